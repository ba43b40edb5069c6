#!/bin/sh
# test-capture-cli.sh: `dingdrop --screenshot` with the real binary, in a
# new instance and in the one that runs already, against the fake
# Screenshot portal.  Runs under tests/keyring/run-with-keyring.sh (a
# private D-Bus session) and xvfb-run:
#
#   test-capture-cli.sh DINGDROP FAKE_PORTAL [ARTIFACTS_DIR LOCALEDIR]
#
# The window says "Queued “Screenshot HH:MM:SS”" in its debug output for
# each screenshot it queued, and the fake portal records each call.  Then,
# in English and in zh_CN, real input: Ctrl+Shift+S takes a screenshot,
# and a click on the header bar's button one that the user cancels; the
# screen, with the button's tooltip and the toast, goes to
# ARTIFACTS_DIR/capture[-zh_CN].png.  TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$(realpath "$1")  # absolute: pgrep below must not see other builds
portal=$2
artifacts=${3-}
localedir=${4-}
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-capture-cli.XXXXXX")
. "$(dirname "$0")/../tap.sh"

# waits up to 10 s for COMMAND to succeed
wait_until () {
  i=0
  while ! eval "$1" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  eval "$1"
}

if [ -z "${DISPLAY-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS-}" ]; then
  echo "Bail out! run under run-with-keyring.sh and xvfb-run"
  exit 1
fi
for tool in convert import xdotool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is missing (build-aux/install-deps.sh installs it)"
    exit 0
  fi
done

export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
convert -size 320x200 xc:'#3584e4' "$work/shot.png"

/usr/bin/python3 "$portal" --response 0 --image "$work/shot.png" --log "$work/portal.log" \
  >"$work/portal.out" 2>&1 &
portal_pid=$!
wait_until 'grep -q ready "$work/portal.out"'

# a new instance: it takes the screenshot and stays
G_MESSAGES_DEBUG=dd-window "$dingdrop" --screenshot >"$work/app.out" 2>&1 &
app_pid=$!
# "Screenshot 14:03:27", "截图 14:03:27"
queued () { grep -c 'Queued “[^”]* [0-9][0-9]:[0-9][0-9]:[0-9][0-9]”' "$work/app.out"; }
wait_until '[ "$(queued)" -ge 1 ]'
expect_eq "dingdrop --screenshot starts DingDrop and queues the screenshot" 1 "$(queued)"
expect_eq "the portal was asked once" 1 "$(grep -c '"method": "Screenshot"' "$work/portal.log")"
if grep -q '"interactive": true' "$work/portal.log"; then
  ok "the screenshot is interactive"
else
  not_ok "the screenshot is interactive" "$(cat "$work/portal.log")"
fi
kill -0 "$app_pid" 2>/dev/null
expect_eq "DingDrop stays open with the screenshot queued" 0 $?

# the running instance is asked; this one leaves at once
start=$(date +%s)
"$dingdrop" --screenshot >"$work/second.out" 2>&1
expect_eq "dingdrop --screenshot with DingDrop running exits 0" 0 $?
expect_eq "... at once" 1 $(( $(date +%s) - start < 5 ))
wait_until '[ "$(queued)" -ge 2 ]'
expect_eq "the running DingDrop queues a second screenshot" 2 "$(queued)"
expect_eq "the portal was asked twice" 2 "$(grep -c '"method": "Screenshot"' "$work/portal.log")"
# only the DingDrops on this test's own bus: other suites run the same
# binary at the same time
ours () {
  for pid in $(pgrep -f "^$dingdrop"); do
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qxF "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS" && echo "$pid"
  done | wc -l
}
expect_eq "only one DingDrop runs" 1 "$(ours)"
kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
app_pid=
kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
portal_pid=

# ---- real input, and the screenshots of it ----

# a robot (fake values: nothing is sent), so that the window is as a user sees it
printf 'webhook=https://oapi.dingtalk.com/robot/send?access_token=%s\nsecret=SECnot-a-real-secret\napp-secret=not-a-real-app-secret\n' \
       0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 |
  "$dingdrop" profile add "Team Group" --app-key dingcapturedemo >"$work/add.out" 2>&1
expect_eq "a robot is added" 0 $?
# what a user might capture: a window with a title and some text
convert -size 900x560 gradient:'#f6f5f4-#deddda' -fill '#3584e4' -draw 'rectangle 0,0 900,48' \
        -fill '#241f31' -draw 'rectangle 40,90 520,120' -fill '#77767b' -draw 'rectangle 40,140 860,156' \
        -draw 'rectangle 40,170 800,186' -draw 'rectangle 40,200 840,216' \
        -fill '#e01b24' -draw 'roundrectangle 40,260 300,460 12,12' "$work/shot.png"

asked () { grep -c '"method": "Screenshot"' "$work/portal-$tag.log"; }

start_portal () {
  kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  : >"$work/portal.out"
  /usr/bin/python3 "$portal" --response "$1" --image "$work/shot.png" --log "$work/portal-$tag.log" \
    >"$work/portal.out" 2>&1 &
  portal_pid=$!
  wait_until 'grep -q ready "$work/portal.out"'
}

for tag in en zh_CN; do
  start_portal 0
  LANGUAGE=$tag DINGDROP_LOCALEDIR="$localedir" G_MESSAGES_DEBUG=dd-window \
    "$dingdrop" >"$work/app.out" 2>&1 &
  app_pid=$!
  wid=$(timeout 20 xdotool search --sync --onlyvisible --class dingdrop 2>/dev/null | head -n 1)
  if [ -z "$wid" ]; then
    not_ok "[$tag] the window opens" "$(cat "$work/app.out")"
    continue
  fi
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 760 570 2>/dev/null
  sleep 1
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool key --clearmodifiers ctrl+shift+s
  wait_until '[ "$(queued)" -ge 1 ]'
  expect_eq "[$tag] Ctrl+Shift+S takes a screenshot and queues it" 1 "$(queued)"

  # the header bar's second button, clicked; the user cancels
  start_portal 1
  eval "$(xdotool getwindowgeometry --shell "$wid")"
  xdotool mousemove $((X + 60)) $((Y + 23)) click 1
  wait_until '[ "$(asked)" -ge 2 ]'
  expect_eq "[$tag] the header bar's button asks the portal" 2 "$(asked)"
  # away and back: the button's tooltip shows again (not in zh_CN, where
  # GTK 4.8 wraps a short CJK tooltip after two characters)
  xdotool mousemove $((X + 300)) $((Y + 300))
  [ "$tag" = en ] && xdotool sleep 0.3 mousemove $((X + 60)) $((Y + 23))
  sleep 1.2  # the toast and the tooltip
  expect_eq "[$tag] a cancelled screenshot queues nothing" 1 "$(queued)"
  suffix=
  [ "$tag" = en ] || suffix="-$tag"
  if [ -n "$artifacts" ]; then
    mkdir -p "$artifacts"
    import -window root -crop 760x570+0+0 +repage "$artifacts/capture$suffix.png" 2>/dev/null
  fi

  # no portal at all: the toast says so, nothing is queued
  kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  portal_pid=
  xdotool mousemove $((X + 300)) $((Y + 300)) sleep 4.5  # the last toast goes
  xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
  xdotool key --clearmodifiers ctrl+shift+s
  sleep 1
  expect_eq "[$tag] without a portal nothing is queued" 1 "$(queued)"
  kill -0 "$app_pid" 2>/dev/null
  expect_eq "[$tag] ... and DingDrop carries on" 0 $?
  if [ -n "$artifacts" ]; then
    import -window root -crop 760x570+0+0 +repage "$artifacts/capture-no-portal$suffix.png" 2>/dev/null
  fi
  kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  app_pid=
done

echo "1..$n"
[ "$failed" -eq 0 ]
