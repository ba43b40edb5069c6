#!/bin/sh
# test-outbox-crash.sh: the outbox across processes: a `dingdrop send` of 20
# screenshot-sized PNGs killed with SIGKILL mid-batch and finished by
# `dingdrop outbox resume`; batches of 10 killed at several moments, each
# image then shown exactly once; then a `dingdrop send` and two `dingdrop
# outbox resume` on one outbox at once.  The real binary, a real keyring (run
# under keyring/run-with-keyring.sh), the fake DingTalk as its own process.
# TAP output.
#
#   test-outbox-crash.sh DINGDROP FAKE_DINGTALK
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
fake=$2
here=$(dirname "$0")
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-outbox.XXXXXX")
fake_pid=
n=0
failed=0

cleanup () {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
expect_eq () {  # expect_eq DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got: $3"; fi
}
check () {  # check DESCRIPTION COMMAND...
  desc=$1; shift
  if "$@" >"$work/check.out" 2>&1; then ok "$desc"; else not_ok "$desc" "$(cat "$work/check.out")"; fi
}
now () { date +%s.%N; }

export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
jobs_dir="$XDG_DATA_HOME/dingdrop/outbox/jobs"

TOKEN=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
SECRET='SECcrash+/=secret'
APP_KEY=dingcrashappkey
APP_SECRET='crash-app-secret_42'
ROBOT_CODE=dingcrashrobot
CONV='cidCrashGroup=='

start_fake () {  # start_fake EXTRA-ARGS...: a fresh fake, every request late
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -f "$work/port"
  "$fake" --port-file "$work/port" --log "$work/fake.log" \
          --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET" --app-robot "$ROBOT_CODE:$CONV" \
          "$@" >"$work/fake.out" 2>&1 &
  fake_pid=$!
  i=0
  while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  base=$(cat "$work/port")
}

# log.py: what the fake's log says, see there
report () { python3 "$here/outbox-log.py" "$@"; }

# Screenshot-sized PNGs, each different (a gradient, a window that moves).
python3 - "$work" <<'PY'
import struct, sys, zlib
def png(path, w, h, seed):
    base = bytes((x * 255 // w) for x in range(w))
    rows = []
    for y in range(h):
        row = bytearray(3 * w)
        row[0::3] = base
        row[1::3] = bytes([y * 255 // h]) * w
        row[2::3] = bytes([(seed * 37) & 0xff]) * w
        if 100 + seed * 20 <= y < 400 + seed * 20:
            row[300 * 3:(900 + seed * 20) * 3] = bytes([(seed * 11) & 0xff, 40, 40]) * (600 + seed * 20)
        rows.append(b"\0" + bytes(row))
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))
for i in range(32):
    png("%s/img-%02d.png" % (sys.argv[1], i), 1920, 1080, i)
PY
check "the test images are 1920×1080 PNGs" sh -c "identify '$work/img-00.png' | grep -q 'PNG 1920x1080'"

# ---------------------------------------------------------------- kill -9
# The app robot route: DingTalk's 20-a-minute limit is the custom robots',
# and this batch may send 21 messages within the minute (the one in flight
# at the kill, twice).
start_fake --fail-next 100000:latency --latency 120
printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add crash --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
    --robot-code "$ROBOT_CODE" --conversation-id "$CONV" >"$work/add.out" 2>&1
expect_eq "profile add (app robot) exits 0" 0 $?

files=
for i in $(seq 0 19); do files="$files $work/$(printf 'img-%02d.png' "$i")"; done

t0=$(now)
# shellcheck disable=SC2086 # the file list
"$dingdrop" send --profile crash $files >"$work/killed.out" 2>&1 &
send_pid=$!
i=0
while [ "$(report "$work/fake.log" messages)" -lt 6 ] && [ $i -lt 400 ]; do sleep 0.02; i=$((i + 1)); done
kill -9 "$send_pid"
wait "$send_pid" 2>/dev/null
sent_before=$(report "$work/fake.log" messages)
check "the send was killed mid-batch (6 to 19 messages out of 20)" \
  test "$sent_before" -ge 6 -a "$sent_before" -lt 20
# what the killed process had written: jobs with a media_id must not be
# uploaded again
report "$work/fake.log" known-media "$jobs_dir" >"$work/known-media"
check "some jobs were left with a media_id" test -s "$work/known-media"
sleep 0.3   # the request in flight at the kill still lands at the fake
log_lines=$(wc -l <"$work/fake.log")

"$dingdrop" outbox resume >"$work/resume.out" 2>&1
expect_eq "outbox resume exits 0" 0 $?
t1=$(now)
echo "# kill/resume of 20 images took $(awk "BEGIN { print $t1 - $t0 }") s; $sent_before messages before the kill, $(report "$work/fake.log" messages) in all"

check "every one of the 20 images arrived, at most one of them twice" \
  report "$work/fake.log" arrived 20 1
check "no job that had a media_id was uploaded again, and its media_id was used" \
  report "$work/fake.log" no-reupload "$work/known-media" "$log_lines"
check "resume reports each image it finished as sent" \
  sh -c "! grep -v '^sent ' '$work/resume.out'"
"$dingdrop" outbox list --json >"$work/list.json" 2>&1
# `send` makes no thumbnails (the history keeps no images here);
# `outbox resume` does, for the ones it sent
check "the outbox holds them as history, without their bytes, thumbnails from resume" python3 -c "
import json
jobs = [json.loads(l) for l in open('$work/list.json')]
sent = [j for j in jobs if j['state'] == 'sent']
assert len(sent) == 20 and len(jobs) == 20, jobs
assert all(j['data_path'] is None and j['media_id'] for j in sent), jobs
resumed = {l.split(' ', 1)[1].strip() for l in open('$work/resume.out') if l.startswith('sent ')}
assert resumed, 'resume sent nothing'
assert all(bool(j['thumbnail_path']) == (j['file'] in resumed) for j in sent), (resumed, jobs)
"

"$dingdrop" outbox clear --sent >"$work/clear.out" 2>&1
expect_eq "outbox clear --sent exits 0" 0 $?
"$dingdrop" outbox list >"$work/list.out" 2>"$work/list.err"
check "…and the outbox is empty" grep -q "empty" "$work/list.err"

# -------------------------------------- kill -9 at several moments, exactly once
# A custom robot: every message carries its first image's msgUuid, so the
# one that was on its way at the kill (DingTalk got it, the answer never
# came back) is sent again with the same msgUuid, and not shown twice.
# Each round a robot of its own and a fresh outbox, killed once 0, 3 and 7
# of its 10 messages were accepted (with every request 150 ms late, a
# send is nearly always on its way then).
: >"$work/fake.log"
for round in 0 3 7; do
  token=$(printf 'round%02d' "$round")0123456789abcdef0123456789abcdef0123456789abcdef0123456
  round_secret="SECround$round+/="
  export XDG_DATA_HOME="$work/data-$round"
  mkdir -p "$XDG_DATA_HOME"
  start_fake --robot "$token:$round_secret" --fail-next 100000:latency --latency 150
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
         "$base" "$token" "$round_secret" "$APP_SECRET" |
    "$dingdrop" profile add "round $round" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
      >/dev/null 2>&1
  files=
  for i in $(seq 0 9); do files="$files $work/$(printf 'img-%02d.png' "$i")"; done
  # shellcheck disable=SC2086 # the file list
  "$dingdrop" send --profile "round $round" $files >/dev/null 2>&1 &
  send_pid=$!
  i=0
  while [ "$(ls "$XDG_DATA_HOME/dingdrop/outbox/jobs" 2>/dev/null | grep -cv '^\.')" -lt 10 ] && [ $i -lt 400 ]; do
    sleep 0.01; i=$((i + 1))
  done
  i=0
  while [ "$(report "$work/fake.log" messages /robot/send)" -lt "$round" ] && [ $i -lt 800 ]; do
    sleep 0.01; i=$((i + 1))
  done
  kill -9 "$send_pid"
  wait "$send_pid" 2>/dev/null
  before=$(report "$work/fake.log" messages /robot/send)
  sleep 0.4   # what was on its way lands at the fake
  "$dingdrop" outbox resume >"$work/resume-$round.out" 2>&1
  expect_eq "killed after $before of 10 messages: outbox resume exits 0" 0 $?
  check "killed after $before of 10 messages: each image shown exactly once, with its msgUuid" \
    report "$work/fake.log" shown 10 "$token"
  echo "# $(cat "$work/check.out")"
  : >"$work/fake.log"
done
export XDG_DATA_HOME="$work/data"

# ---------------------------------------------- two processes, one outbox
# Leftovers first: a send whose first request (gettoken) never gets an
# answer, killed once its 6 jobs are in the outbox; nothing was sent.
: >"$work/fake.log"
start_fake --fail-next 1:stall --fail-next 100000:latency --latency 40
printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add team --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" >/dev/null 2>&1
expect_eq "profile add (custom robot) exits 0" 0 $?

"$dingdrop" send --profile team "$work"/img-2[0-5].png >/dev/null 2>&1 &
send_pid=$!
i=0
while [ "$(ls "$jobs_dir" 2>/dev/null | grep -cv '^\.')" -lt 6 ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
sleep 0.3
kill -9 "$send_pid"
wait "$send_pid" 2>/dev/null
expect_eq "6 jobs were left behind, none sent" "6 0" \
  "$(ls "$jobs_dir" | grep -cv '^\.') $(report "$work/fake.log" messages /robot/send)"

t0=$(now)
"$dingdrop" send --profile team "$work"/img-2[6-9].png "$work"/img-3[01].png >"$work/send2.out" 2>&1 &
p1=$!
"$dingdrop" outbox resume >"$work/resume-a.out" 2>&1 &
p2=$!
"$dingdrop" outbox resume >"$work/resume-b.out" 2>&1 &
p3=$!
wait $p1; s1=$?
wait $p2; s2=$?
wait $p3; s3=$?
t1=$(now)
echo "# send + 2 × resume took $(awk "BEGIN { print $t1 - $t0 }") s"
expect_eq "send and both resumes exit 0" "0 0 0" "$s1 $s2 $s3"
# a leftover job may still be held by one resume when the other stops
# waiting: a third resume picks up whatever is left
"$dingdrop" outbox resume >/dev/null 2>&1
check "the send reports its own 6 images as sent" sh -c "[ \$(grep -c '^sent ' '$work/send2.out') -eq 6 ]"
check "each of the 12 images was sent exactly once" \
  report "$work/fake.log" arrived 12 0 /robot/send
check "…and uploaded exactly once" report "$work/fake.log" uploads-once 12

echo "1..$n"
[ "$failed" -eq 0 ]
