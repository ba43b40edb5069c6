#!/bin/sh
# take-screenshots.sh: the window's states for data/screenshots/, from the
# real dingdrop against the fake DingTalk, under Xvfb:
#
#   tests/keyring/run-with-keyring.sh xvfb-run -a -s '-screen 0 1024x768x24' \
#     tests/ui/take-screenshots.sh _build/src/dingdrop \
#     _build/tests/fake/dd-fake-dingtalk data/screenshots _build/po
#
# For each language (en, zh_CN): the first start, with no robot
# (first-run); a few images ready to send (main-window); a batch on its
# way (sending-state, and sending); the same batch done with one image
# refused (finished-state); 150 images
# on their way, two refused, the rows sent folded into one (batch-150);
# and a robot DingTalk paused (pause-banner).  Files are named NAME.png
# and NAME-zh_CN.png; the window only, cropped.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

dingdrop=$1
fake=$2
out=$3
localedir=${4-}
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-shots.XXXXXX")
. "$(dirname "$0")/../tap.sh"
mkdir -p "$out"
unset G_MESSAGES_DEBUG

TOKEN=a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
SECRET='SECscreenshot-secret'
APP_KEY=dingscreenshots
APP_SECRET='screenshot-app-secret'

# images that look a little like screenshots, each different
make_images () {  # make_images DIR N PREFIX [DIGITS]
  mkdir -p "$1"
  i=1
  while [ "$i" -le "$2" ]; do
    hue=$(( (i * 37) % 360 ))
    convert -size 320x200 "xc:hsl($hue,60%,55%)" -fill '#241f31' -draw "rectangle 20,20 200,120" \
            -fill white -draw "rectangle 30,30 190,50" "$1/$3-$(printf "%0${4-1}d" "$i").png"
    i=$((i + 1))
  done
}

fresh_fake () {  # fresh_fake ARGS…: a fresh fake DingTalk with our robot
  start_fake --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET" "$@"
}

start_app () {  # start_app LANGUAGE [none]: a fresh profile (none: no robot) and outbox, the window
  rm -rf "$work/home"
  private_xdg "$work/home"
  [ "${2-}" = none ] ||
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
         "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
    LANGUAGE=$1 "$dingdrop" profile add "Team Group" --app-key "$APP_KEY" \
      --oapi-base "$base" --api-base "$base" >/dev/null
  LANGUAGE=$1 DINGDROP_LOCALEDIR="$localedir" "$dingdrop" >"$work/app.log" 2>&1 &
  app_pid=$!
  wid=$(timeout 20 xdotool search --sync --onlyvisible --class dingdrop | head -n 1)
  xdotool windowsize --sync "$wid" 600 600 2>/dev/null || xdotool windowsize "$wid" 600 600
  sleep 1
}

stop_app () {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
}

shoot () {  # shoot NAME SUFFIX: the window alone
  sleep 0.5
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  import -window root "$work/root.png"
  convert "$work/root.png" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$out/$1$2.png"
  echo "$out/$1$2.png"
}

wait_log () {  # wait_log PATTERN COUNT: until COUNT messages in the fake's log match PATTERN
  i=0
  while [ $i -lt 600 ]; do
    [ "$(grep '/robot/send' "$work/fake.log" 2>/dev/null | grep -c "$1" || true)" -ge "$2" ] && return 0
    sleep 0.2
    i=$((i + 1))
  done
  echo "# gave up waiting for $2 × $1" >&2
}

send () {
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool key --clearmodifiers ctrl+Return
}

make_images "$work/batch" 8 shot
make_images "$work/many" 150 photo 3

for lang in en zh_CN; do
  suffix=
  [ "$lang" = en ] || suffix="-$lang"

  # the first start: no robot yet
  fresh_fake
  start_app "$lang" none
  shoot first-run "$suffix"
  stop_app

  # a slow DingTalk that refuses the first message: ready, on the way, then done
  fresh_fake --latency 1200 --fail-next 400:latency --next-errcode 1:/robot/send:310000:'sign not match'
  start_app "$lang"
  LANGUAGE=$lang "$dingdrop" "$work"/batch/shot-1.png "$work"/batch/shot-2.png "$work"/batch/shot-3.png
  sleep 2
  shoot main-window "$suffix"
  LANGUAGE=$lang "$dingdrop" "$work"/batch/shot-4.png "$work"/batch/shot-5.png "$work"/batch/shot-6.png \
    "$work"/batch/shot-7.png "$work"/batch/shot-8.png
  sleep 2
  send
  wait_log '"accepted": *true' 2
  shoot sending-state "$suffix"
  cp "$out/sending-state$suffix.png" "$out/sending$suffix.png"
  # done, one refused
  wait_log '"accepted": *true' 7
  sleep 2
  shoot finished-state "$suffix"
  stop_app

  # 150 images, two refused: 20 a minute go, the rest wait
  fresh_fake --next-errcode 2:/robot/send:310000:'sign not match'
  start_app "$lang"
  LANGUAGE=$lang "$dingdrop" "$work"/many/photo-*.png
  sleep 4
  send
  wait_log '"accepted": *true' 15
  sleep 3
  shoot batch-150 "$suffix"
  stop_app

  # DingTalk pauses the robot
  fresh_fake --next-errcode 1:/robot/send:410100:'send too fast, exceed 20 times per minute'
  start_app "$lang"
  LANGUAGE=$lang "$dingdrop" "$work"/batch/shot-1.png "$work"/batch/shot-2.png "$work"/batch/shot-3.png
  sleep 2
  send
  wait_log '410100' 1
  sleep 2
  shoot pause-banner "$suffix"
  stop_app
done
