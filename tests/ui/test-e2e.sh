#!/bin/sh
# test-e2e.sh: the real dingdrop window driven by real input.  Runs under
# tests/keyring/run-with-keyring.sh (a private D-Bus session with an
# unlocked gnome-keyring) and xvfb-run (an X server of its own):
#
#   test-e2e.sh DINGDROP FAKE_DINGTALK ARTIFACTS_DIR [LOCALEDIR]
#
# A robot is added with `dingdrop profile add` (secrets on standard input)
# pointing at the fake DingTalk; xclip puts a PNG on the clipboard; xdotool
# presses Ctrl+V then Ctrl+Return in the window; the fake's log must show
# the upload and a correctly signed message within a minute.  Screenshots
# of the window (empty, queued, sent) in English and in zh_CN are left in
# ARTIFACTS_DIR.  TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
fake=$2
artifacts=$3
localedir=${4-}
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-e2e.XXXXXX")
. "$(dirname "$0")/../tap.sh"

for tool in xdotool xclip import convert python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is missing (build-aux/install-deps.sh installs it)"
    exit 0
  fi
done
if [ -z "${DISPLAY-}" ]; then
  echo "Bail out! no DISPLAY: run under xvfb-run"
  exit 1
fi

mkdir -p "$artifacts"
private_xdg "$work"
# the app's own debug output is not under test
unset G_MESSAGES_DEBUG

TOKEN=a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
SECRET='SECe2e-window-secret+/='
APP_KEY=dinge2ewindow
APP_SECRET='e2e-app-secret_0815'

start_fake --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET"

printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add "Team Group" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
  >"$work/add.out" 2>&1
expect_eq "a robot is added with dingdrop profile add" 0 $?

# screenshot-like PNGs, one for each run (DingDrop uploads the same image
# only once)
convert -size 1280x800 gradient:'#3584e4-#f6f5f4' -fill '#241f31' \
        -draw 'rectangle 80,80 700,420' -fill white -draw 'rectangle 120,120 660,160' "$work/shot-en.png"
convert -size 1280x800 gradient:'#2ec27e-#f6f5f4' -fill '#241f31' \
        -draw 'rectangle 480,280 1100,620' -fill white -draw 'rectangle 520,320 1060,360' "$work/shot-zh_CN.png"

count () {  # count PATH: accepted requests to PATH in the fake's log
  python3 - "$work/fake.log" "$1" <<'PY'
import json, sys
n = 0
try:
    for line in open(sys.argv[1]):
        e = json.loads(line)
        if e.get("path") == sys.argv[2] and e.get("accepted"):
            n += 1
except FileNotFoundError:
    pass
print(n)
PY
}

shoot () {  # shoot NAME: the screen, with the window on it
  sleep 0.7
  import -window root "$artifacts/$1.png" 2>/dev/null
}

# wait_queued N: until the window has logged its Nth queued image (60 s).
# The g_debug of dd_window_append_item() is the only outside sign of it:
# the window's title does not change, its actions are widget actions (not
# on D-Bus), accessibility is off in the tests, and the outbox sees an
# image only at Send.  If the line goes, this wait fails (not_ok with the
# log's tail), it never passes without the image.
wait_queued () {
  j=0
  while queued=$(grep -c "Queued “" "$work/app-$tag.log" 2>/dev/null); [ "${queued:-0}" -lt "$1" ]; do
    [ $j -ge 600 ] && return 1
    sleep 0.1
    j=$((j + 1))
  done
}

# run LANG_TAG LANGUAGE: one session of the window, from empty to sent
run () {
  tag=$1
  uploads_before=$(count /media/upload)
  sends_before=$(count /robot/send)

  # G_MESSAGES_DEBUG: the window logs each image it has queued, so the
  # test presses Send when there is something to send, however busy the
  # machine (an encode of the pasted image can take seconds under load)
  G_MESSAGES_DEBUG=all LANGUAGE=$2 DINGDROP_LOCALEDIR="$localedir" "$dingdrop" >"$work/app-$tag.log" 2>&1 &
  app_pid=$!

  wid=$(timeout 20 xdotool search --sync --onlyvisible --class dingdrop 2>/dev/null | head -n 1)
  if [ -z "$wid" ]; then
    not_ok "[$tag] the window opens" "$(cat "$work/app-$tag.log")"
    return
  fi
  ok "[$tag] the window opens"
  sleep 1
  shoot "window-$tag-empty"

  xclip -selection clipboard -t image/png -i "$work/shot-$tag.png"
  # the window learns of the clipboard's new owner asynchronously: on a
  # busy machine Ctrl+V at once can find it still empty
  i=0
  while [ $i -lt 50 ] && ! xclip -o -selection clipboard -t TARGETS 2>/dev/null | grep -q image/png; do
    sleep 0.1
    i=$((i + 1))
  done
  sleep 1
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  start=$(date +%s)
  xdotool key --clearmodifiers ctrl+v
  wait_queued 1 || not_ok "[$tag] the pasted image is queued" "$(tail -n 5 "$work/app-$tag.log")"
  sleep 0.5
  shoot "window-$tag-queued"
  xdotool key --clearmodifiers ctrl+Return

  i=0
  while [ $i -lt 600 ]; do
    if [ "$(count /robot/send)" -gt "$sends_before" ]; then break; fi
    sleep 0.1
    i=$((i + 1))
  done
  elapsed=$(( $(date +%s) - start ))

  expect_eq "[$tag] the fake DingTalk accepted one upload" $((uploads_before + 1)) "$(count /media/upload)"
  expect_eq "[$tag] …and one correctly signed message" $((sends_before + 1)) "$(count /robot/send)"
  # a bound for a hang, not a speed test (tests/bench measures speed)
  if [ "$elapsed" -le 60 ]; then ok "[$tag] within a minute of Ctrl+V ($elapsed s)"
  else not_ok "[$tag] within a minute of Ctrl+V" "took $elapsed s"; fi

  sleep 1
  shoot "window-$tag-sent"

  # `dingdrop FILE` hands the file to the window already open
  convert -size 640x480 "xc:#e5a50a" -fill "#241f31" -draw "rectangle 40,40 400,200" -fill white -annotate +60+120 "$tag" "$work/open-$tag.png"
  "$dingdrop" "$work/open-$tag.png" >"$work/open-$tag.log" 2>&1
  expect_eq "[$tag] dingdrop FILE returns at once" 0 $?
  wait_queued 2 || not_ok "[$tag] the opened file is queued" "$(tail -n 5 "$work/app-$tag.log")"
  sleep 0.5
  shoot "window-$tag-opened"
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool key --clearmodifiers ctrl+Return
  i=0
  while [ $i -lt 600 ] && [ "$(count /media/upload)" -lt $((uploads_before + 2)) ]; do
    sleep 0.1
    i=$((i + 1))
  done
  expect_eq "[$tag] …and it is sent from there" $((uploads_before + 2)) "$(count /media/upload)"
  sleep 1

  # the narrowest size the window allows, then the robots window
  xdotool windowsize "$wid" 360 560
  shoot "window-$tag-narrow"
  xdotool key --clearmodifiers ctrl+comma
  sleep 1
  shoot "robots-$tag"
  # the robot's page: Tab to its row, Enter
  xdotool key --clearmodifiers Tab Return
  sleep 1.5
  shoot "robot-editor-$tag"
  xdotool key --clearmodifiers ctrl+w
  sleep 0.5
  xdotool windowfocus "$wid"
  xdotool key --clearmodifiers ctrl+question
  sleep 1
  shoot "shortcuts-$tag"
  xdotool key --clearmodifiers Escape

  kill "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null
  app_pid=
}

run en en
run zh_CN zh_CN

python3 - "$work/fake.log" >"$work/signed.out" 2>&1 <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("path") == "/robot/send" and e.get("accepted"):
        body = e.get("body") or {}
        assert body.get("msgtype") == "markdown", body
        assert "@" in json.dumps(body), body   # the media_id is in the message
print("ok")
PY
expect_eq "every accepted message is a markdown message with the image" ok "$(tail -n 1 "$work/signed.out")"

echo "1..$n"
[ "$failed" -eq 0 ]
