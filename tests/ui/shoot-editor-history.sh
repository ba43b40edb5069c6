#!/bin/sh
# shoot-editor-history.sh DINGDROP FAKE_DINGTALK OUTDIR LOCALEDIR [LANGUAGE...]
#
# The screenshots of the robot editor with a field error and of the
# history, made with the real app under Xvfb, for data/screenshots/.  Run
# it inside a keyring and a display of its own:
#
#   tests/keyring/run-with-keyring.sh xvfb-run -a -s '-screen 0 1024x768x24' \
#     tests/ui/shoot-editor-history.sh _build/src/dingdrop \
#     _build/tests/fake/dd-fake-dingtalk data/screenshots _build/po en zh_CN
#
# Writes robots[-LANG].png (a robot's page), robot-editor-error[-LANG].png
# and history[-LANG].png (no suffix for en).  The secrets are fake, as in the tests.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

. "$(dirname "$0")/shoot-common.sh"

one_robot --keyword 日报

key () { xdotool key --clearmodifiers "$@"; sleep 0.4; }

shoot_focused () {  # shoot_focused FILE: the window with the focus, alone
  import -window root "$work/root.png"
  eval "$(xdotool getwindowfocus getwindowgeometry --shell)"
  convert "$work/root.png" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$1"
}

for lang in "$@"; do
  launch_app "$lang"
  xdotool windowmove "$wid" 40 40
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  sleep 1

  # three images sent, so that the history has something to show
  # (the last one large: its size and dimensions make the longest detail)
  for colour in '#3584e4' '#e66100' '#2ec27e'; do
    size=1280x800
    [ "$colour" = '#2ec27e' ] && size=2400x1600
    convert -size $size "gradient:$colour-#f6f5f4" -fill '#241f31' \
            -draw 'rectangle 160,120 900,520' -fill white -draw 'rectangle 200,160 860,210' \
            -fill "$colour" -draw 'circle 1050,600 1050,700' "$work/shot.png"
    before=$(accepted)
    xclip -selection clipboard -t image/png -i "$work/shot.png"
    key ctrl+v
    sleep 3
    key ctrl+Return
    i=0
    while [ "$(accepted)" -le "$before" ] && [ $i -lt 150 ]; do
      sleep 0.1
      i=$((i + 1))
      # pressed before the pasted image was in the queue: again
      [ $i -eq 50 ] && key ctrl+Return
    done
    sleep 0.5
  done

  # the history, from the main menu
  key F10
  sleep 1.5
  key Down Return
  sleep 1.5
  shoot_focused "$out/history$suffix.png"
  key Escape
  sleep 0.5
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  # a header button's tooltip
  xdotool mousemove 68 68
  sleep 2
  import -window root "$work/tooltip-main$suffix.png"
  xdotool mousemove 700 700

  # a second robot, as one is set up for real (its DingTalk is not the
  # fake: nothing is sent to it), for the picture of the robot's page;
  # the robots are the same for every language
  printf 'webhook=https://oapi.dingtalk.com/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
         "$TOKEN" "$SECRET" "$APP_SECRET" |
    "$dingdrop" profile add "Design Team" --app-key "$APP_KEY" \
      --keyword 日报 --keyword 周报 >/dev/null 2>&1 || true
  sleep 1
  key ctrl+comma
  sleep 1
  # the second row: that robot's page, its secrets read from the keyring
  xdotool mousemove 300 228 click 1
  sleep 8
  shoot_focused "$out/robots$suffix.png"
  key Escape
  sleep 1

  # the robot's page, with a webhook that is not one
  xdotool mousemove 300 172 click 1
  # the secrets arrive from the keyring; until then their fields are
  # insensitive, and Tab would skip them
  sleep 8
  key Tab ctrl+a
  xdotool type --delay 20 'http://example.com/robot/send'
  sleep 1
  shoot_focused "$out/robot-editor-error$suffix.png"
  # a tooltip, and the question about the change (EXTRA=folder keeps them)
  xdotool mousemove 28 28
  sleep 2
  import -window root "$work/tooltip$suffix.png"
  xdotool mousemove 513 28
  sleep 2
  import -window root "$work/tooltip-save$suffix.png"
  key ctrl+w
  sleep 0.5
  import -window root "$work/question$suffix.png"
  key alt+d
  sleep 0.5
  xdotool windowsize "$wid" 360 560
  sleep 1
  import -window root "$work/narrow$suffix.png"
  [ -n "${EXTRA-}" ] && cp "$work"/*.png "$EXTRA"/

  kill "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null || true
  app_pid=
done
