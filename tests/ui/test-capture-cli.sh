#!/bin/sh
# test-capture-cli.sh: `dingdrop --screenshot` with the real binary, in a
# new instance and in the one that runs already, against the fake
# Screenshot portal.  Runs under tests/keyring/run-with-keyring.sh (a
# private D-Bus session) and xvfb-run:
#
#   test-capture-cli.sh DINGDROP FAKE_PORTAL
#
# The window says "Queued “Screenshot HH:MM:SS”" in its debug output for
# each screenshot it queued, and the fake portal records each call.  TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
portal=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-capture-cli.XXXXXX")
portal_pid=
app_pid=
n=0
failed=0

cleanup () {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
expect_eq () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got: $3"; fi; }

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
if ! command -v convert >/dev/null 2>&1; then
  echo "1..0 # SKIP convert is missing (build-aux/install-deps.sh installs imagemagick)"
  exit 0
fi

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
queued () { grep -c 'Queued “Screenshot [0-9][0-9]:[0-9][0-9]:[0-9][0-9]”' "$work/app.out"; }
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

echo "1..$n"
[ "$failed" -eq 0 ]
