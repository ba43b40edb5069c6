#!/bin/sh
# shoot-image-editor.sh DINGDROP FAKE_DINGTALK OUTDIR LOCALEDIR [LANGUAGE...]
#
# The screenshot of the image editor with a redaction, made with the real
# app under Xvfb, for data/screenshots/.  Run it inside a keyring and a
# display of its own:
#
#   tests/keyring/run-with-keyring.sh xvfb-run -a -s '-screen 0 1024x768x24' \
#     tests/ui/shoot-image-editor.sh _build/src/dingdrop \
#     _build/tests/fake/dd-fake-dingtalk data/screenshots _build/po en zh_CN
#
# Writes image-editor[-LANG].png (no suffix for en): the editor window,
# cropped.  The token and the phone number in the picture are made up.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

. "$(dirname "$0")/shoot-common.sh"

one_robot

# something like a screenshot, with a line that must not be posted
convert -size 960x600 xc:'#f6f5f4' -fill '#ffffff' -draw 'roundrectangle 40,40 920,560 12,12' \
        -fill '#241f31' -pointsize 28 -draw "text 80,110 'Deploy checklist'" \
        -pointsize 20 -fill '#5e5c64' -draw "text 80,170 'Server: build-07.internal'" \
        -draw "text 80,215 'Owner: Zhang Wei  138 0013 8000'" \
        -draw "text 80,260 'Token: 5f1e2d3c4b5a69788796a5b4c3d2e1f0'" \
        -fill '#3584e4' -draw 'roundrectangle 80,320 400,380 8,8' \
        -fill white -draw "text 110,358 'Release 2.4 ready'" \
        -fill '#2ec27e' -draw 'circle 760,420 760,500' "$work/deploy-checklist.png"

for lang in "$@"; do
  launch_app "$lang"
  xdotool windowmove "$wid" 0 0
  xdotool windowsize "$wid" 600 600
  sleep 1
  XDG_DATA_HOME="$work/data-$lang" LANGUAGE=$lang "$dingdrop" "$work/deploy-checklist.png"
  sleep 2

  # the row, with its Edit button under the pointer (EXTRA=folder keeps it)
  xdotool mousemove --window "$wid" "${ROW_X:-250}" "${ROW_Y:-150}"
  sleep 1
  import -window root "$work/queued$suffix.png"
  # the row, double-clicked
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool mousemove --window "$wid" "${ROW_X:-250}" "${ROW_Y:-150}" click --repeat 2 --delay 80 1
  sleep 2
  import -window root "$work/opened$suffix.png"

  # the editor, and two redactions with the mouse: the phone number, the token
  ed=$(xdotool search --onlyvisible --class dingdrop | grep -v "^$wid\$" | tail -n 1)
  eval "$(xdotool getwindowgeometry --shell "$ed")"
  xdotool mousemove --window "$ed" 245 244 mousedown 1 mousemove --window "$ed" 320 255 \
          mousemove --window "$ed" 375 271 mouseup 1
  sleep 0.3
  xdotool mousemove --window "$ed" 142 283 mousedown 1 mousemove --window "$ed" 300 295 \
          mousemove --window "$ed" 461 310 mouseup 1
  xdotool mousemove --window "$ed" 700 600
  sleep 1
  import -window root "$work/root.png"
  convert "$work/root.png" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$out/image-editor$suffix.png"
  echo "$out/image-editor$suffix.png"
  # Done: the row's thumbnail shows the boxes
  xdotool key --clearmodifiers Return
  sleep 2
  import -window root "$work/done$suffix.png"
  [ -n "${EXTRA-}" ] && cp "$work"/*.png "$EXTRA"/

  kill "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null || true
  app_pid=
done
