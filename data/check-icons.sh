#!/bin/sh
# check-icons.sh APP_ID APP_ICON SYMBOLIC_ICON: both icons are named after
# the app ID, render at 16, 32 and 128 px (rsvg-convert, as GTK's loader
# does) to an image that is not empty, and the symbolic one is a 16×16
# drawing in fills of one colour, which GTK can recolour.  TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

app_id=$1
app_icon=$2
symbolic_icon=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
status=0

ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    status=1
  fi
}

[ "$(basename "$app_icon")" = "$app_id.svg" ]
ok $? "the app icon is named $app_id.svg"
[ "$(basename "$symbolic_icon")" = "$app_id-symbolic.svg" ]
ok $? "the symbolic icon is named $app_id-symbolic.svg"

for icon in "$app_icon" "$symbolic_icon"; do
  for size in 16 32 128; do
    png="$work/$size.png"
    rendered=1
    if rsvg-convert --width "$size" --height "$size" --output "$png" "$icon" 2>"$work/err"; then
      # The PNG's own header says how large it is (bytes 16-23).
      dims=$(od -An -tu1 -j16 -N8 "$png" | tr -s ' ')
      # and an empty drawing compresses to almost nothing
      bytes=$(wc -c < "$png")
      if [ "$dims" = " 0 0 0 $size 0 0 0 $size" ] && [ "$bytes" -gt 120 ]; then
        rendered=0
      else
        echo "# $(basename "$icon") at $size px: header '$dims', $bytes bytes"
      fi
    else
      sed 's/^/# /' "$work/err"
    fi
    ok $rendered "$(basename "$icon") renders at ${size}×${size}"
  done
done

grep -q 'viewBox="0 0 16 16"' "$symbolic_icon"
ok $? "the symbolic icon is drawn on a 16×16 grid"

! grep -q 'stroke=' "$symbolic_icon"
ok $? "the symbolic icon has no strokes (GTK recolours fills only)"

colours=$(grep -o '#[0-9a-fA-F]\{6\}' "$symbolic_icon" | sort -u | wc -l)
[ "$colours" -eq 1 ]
ok $? "the symbolic icon uses one colour (found $colours)"

echo "1..$n"
exit $status
