# tap.sh: what the shell tests share; sourced (`. tests/tap.sh`) once the
# script set `work` (its own folder, removed on exit).  TAP lines are
# numbered by $n, failures counted in $failed: a script ends with
#   echo "1..$n"; [ "$failed" -eq 0 ]
# On exit it stops the app ($app_pid), the fake DingTalk ($fake_pid) and
# the fake portal ($portal_pid) that it started, if it did.
#
# SPDX-License-Identifier: GPL-3.0-or-later

n=0
failed=0
app_pid=
fake_pid=
portal_pid=

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
expect_eq () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got: $3"; fi; }

# stop_pid PID: ends and reaps a process this script started (none: PID empty).
# `wait` gives 143 for a process the TERM ended (xcompmgr, the app): under
# set -e that status, last in an && list, made dash exit inside the EXIT
# trap, where it hung with the rest never stopped.
stop_pid () {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  wait "$1" 2>/dev/null || true
}

tap_cleanup () {
  stop_pid "$app_pid"
  stop_pid "$fake_pid"
  stop_pid "$portal_pid"
  rm -rf "$work"
}
trap tap_cleanup EXIT
# a signal ends the script through its EXIT trap, which dash runs only on exit
trap 'exit 130' INT
trap 'exit 143' TERM

# private_xdg DIR: private XDG base folders under DIR, made
private_xdg () {
  export XDG_CONFIG_HOME="$1/config" XDG_DATA_HOME="$1/data"
  export XDG_CACHE_HOME="$1/cache" XDG_STATE_HOME="$1/state"
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
}

# start_fake ARGS…: a fresh fake DingTalk ($fake) with ARGS, logging to
# $work/fake.log; sets fake_pid and base (its address), once it listens
start_fake () {
  stop_pid "$fake_pid"
  rm -f "$work/port" "$work/fake.log"
  "$fake" --port-file "$work/port" --log "$work/fake.log" "$@" >"$work/fake.out" 2>&1 &
  fake_pid=$!
  i=0
  while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  base=$(cat "$work/port")
}
