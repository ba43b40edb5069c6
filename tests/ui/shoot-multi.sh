#!/bin/sh
# shoot-multi.sh DINGDROP FAKE_DINGTALK OUTDIR LOCALEDIR [LANGUAGE...]
#
# The screenshots of a send to two groups at once, made with the real app
# under Xvfb, for data/screenshots/.  Run it inside a keyring and a
# display of its own:
#
#   tests/keyring/run-with-keyring.sh xvfb-run -a -s '-screen 0 1024x768x24' \
#     tests/ui/shoot-multi.sh _build/src/dingdrop \
#     _build/tests/fake/dd-fake-dingtalk data/screenshots _build/po en zh_CN
#
# Writes multi-chooser[-LANG].png (the robot chooser open, two robots
# ticked) and multi[-LANG].png (two images sent to both: one group got
# them, the other robot's secret is wrong); no suffix for en.  The
# secrets are fake, as in the tests.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

. "$(dirname "$0")/shoot-common.sh"
# the robots chosen are set in the settings' file before the app starts
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-$(dirname "$dingdrop")/../data}"

TOKEN_A=a1a1a1a1e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
TOKEN_B=b2b2b2b2e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
SECRET_A='SECscreenshot-secret-a'
SECRET_B='SECscreenshot-secret-b'
# the Send button, from the window's bottom right corner
SEND_X=${SEND_X:-70}
SEND_Y=${SEND_Y:-40}

convert -size 320x200 'xc:hsl(210,60%,55%)' -fill '#241f31' -draw 'rectangle 20,20 200,120' \
        -fill white -draw 'rectangle 30,30 190,50' "$work/dashboard.png"
convert -size 320x200 'xc:hsl(30,70%,60%)' -fill '#241f31' -draw 'rectangle 40,60 280,160' \
        -fill white -draw 'rectangle 50,70 150,90' "$work/report.png"

refused () {  # refused: messages the fake refused
  grep '/robot/send' "$work/fake.log" 2>/dev/null | grep -c '"accepted": *false' || true
}

shoot () {  # shoot NAME SUFFIX: the window alone (and its popover)
  sleep 0.8
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  import -window root "$work/root.png"
  convert "$work/root.png" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$out/$1$2.png"
  echo "$out/$1$2.png"
}

# a compositor, so that the chooser's popover has its shadow, not black
comp_pid=
if command -v xcompmgr >/dev/null; then
  xcompmgr >/dev/null 2>&1 &
  comp_pid=$!
fi
trap 'stop_pid "$comp_pid"; tap_cleanup' EXIT

for lang in en zh_CN; do
  case " $* " in *" $lang "*) ;; *) continue ;; esac
  suffix=
  [ "$lang" = en ] || suffix="-$lang"

  rm -rf "$work/home"
  private_xdg "$work/home"
  start_fake --latency 700 --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN_A:$SECRET_A" --robot "$TOKEN_B:$SECRET_B"
  if [ "$lang" = en ]; then a="Team A"; b="Team B"; else a="产品组"; b="运营组"; fi
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' "$base" "$TOKEN_A" "$SECRET_A" "$APP_SECRET" |
    "$dingdrop" profile add "$a" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" >/dev/null
  # the second robot's secret is wrong: its group gets nothing
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=SECnot-the-secret\napp-secret=%s\n' "$base" "$TOKEN_B" "$APP_SECRET" |
    "$dingdrop" profile add "$b" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" >/dev/null
  ids=$(sed -n 's/^Order=//p' "$XDG_CONFIG_HOME/dingdrop/profiles.ini" | tr ';' ' ')
  list=
  for id in $ids; do list="$list${list:+, }'$id'"; done
  mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
  printf '[io/github/dingdrop/DingDrop]\nlast-robots=[%s]\n' "$list" >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

  LANGUAGE=$lang DINGDROP_LOCALEDIR="$localedir" "$dingdrop" >"$work/app.log" 2>&1 &
  app_pid=$!
  wid=$(timeout 20 xdotool search --sync --onlyvisible --class dingdrop | head -n 1)
  xdotool windowsize --sync "$wid" 600 560 2>/dev/null || xdotool windowsize "$wid" 600 560
  sleep 1
  LANGUAGE=$lang "$dingdrop" "$work/dashboard.png" "$work/report.png"
  sleep 2

  # the chooser open: a click on the header's title
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  xdotool mousemove --sync $((X + WIDTH / 2)) $((Y + 23)) click 1
  shoot multi-chooser "$suffix"
  # closed by a click beside it (Escape would leave the focus ring on it)
  xdotool mousemove --sync $((X + WIDTH / 2)) $((Y + 380)) click 1
  sleep 0.5

  # Send with the mouse, at the bottom bar's right: a key (Ctrl+Return)
  # would leave the focus ring on the chooser, which had the focus last
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool mousemove --sync $((X + WIDTH - SEND_X)) $((Y + HEIGHT - SEND_Y)) click 1
  i=0
  while [ $i -lt 300 ] && { [ "$(accepted "$TOKEN_A")" -lt 2 ] || [ "$(refused)" -lt 2 ]; }; do
    sleep 0.2; i=$((i + 1))
  done
  sleep 2
  xdotool mousemove $((X + WIDTH - 5)) $((Y + HEIGHT - 5))
  shoot multi "$suffix"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=
done
