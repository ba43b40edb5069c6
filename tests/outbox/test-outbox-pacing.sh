#!/bin/sh
# test-outbox-pacing.sh: 45 images to one custom robot whose fake counts
# DingTalk's limit as a strict rolling minute (20 sends, then 410100 and
# ten minutes blocked), the first requests answered late: all 45 arrive, none
# is refused, in about the two minutes the limit forces.  The real binary,
# a real keyring (run under keyring/run-with-keyring.sh), the fake as its
# own process, in real time.  TAP output.
#
#   test-outbox-pacing.sh DINGDROP FAKE_DINGTALK
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
fake=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-pacing.XXXXXX")
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

export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

TOKEN=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789
SECRET='SECpacing+/=secret'
APP_KEY=dingpacingapp
APP_SECRET='pacing-app-secret'

# The first 40 requests (the token, the first uploads and sends) are
# answered 1.5 s late, the rest at once: DingTalk "receives" the first
# sends well after they were started and the 21st as soon as it starts, so
# a client that counts sends from their start lands the 21st inside the
# minute.
"$fake" --port-file "$work/port" --log "$work/fake.log" \
        --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET" \
        --rate-limit 20:60000:600000:410100 --fail-next 40:latency --latency 1500 \
        >"$work/fake.out" 2>&1 &
fake_pid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
base=$(cat "$work/port")

python3 - "$work" <<'PY'
import struct, sys, zlib
def png(path, w, h, seed):
    rows = b"".join(b"\0" + b"".join(bytes(((x * 3 + seed * 7) & 0xff, (y * 5) & 0xff, (seed * 13) & 0xff))
                                       for x in range(w))
                    for y in range(h))
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))
for i in range(45):
    png("%s/shot-%02d.png" % (sys.argv[1], i), 320, 200, i)
PY

printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add pacing --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
  >"$work/add.out" 2>&1
expect_eq "profile add exits 0" 0 $?

t0=$(date +%s)
"$dingdrop" send --profile pacing "$work"/shot-*.png >"$work/send.out" 2>"$work/send.err"
status=$?
t1=$(date +%s)
elapsed=$((t1 - t0))
echo "# 45 one-message images took $elapsed s"
expect_eq "send exits 0" 0 $status
check "send reports all 45 as sent" sh -c "[ \$(grep -c '^sent ' '$work/send.out') -eq 45 ]"
check "send said how long DingTalk's limit makes it take" \
  grep -q "20 messages a minute: sending these takes about 2 minutes" "$work/send.err"
check "…in no more time than the limit forces" test "$elapsed" -ge 120 -a "$elapsed" -le 200

python3 - "$work/fake.log" >"$work/log.out" 2>&1 <<'PY'
import json, sys
sends = [json.loads(l) for l in open(sys.argv[1]) if '"/robot/send"' in l]
refused = [s for s in sends if s.get("errcode") == 410100]
shown = [s for s in sends if s.get("accepted") and not s.get("duplicate")]
print("%d sends, %d shown, %d refused with 410100" % (len(sends), len(shown), len(refused)))
assert not refused, refused[:1]
assert len(shown) == 45, len(shown)
PY
check "DingTalk (the fake, a strict rolling minute) showed all 45 and refused none" cat "$work/log.out"
echo "# $(cat "$work/log.out")"

# No slower than the limit forces: the 21st goes right after the 1st
# leaves the minute (its answer, a minute and the 1 s margin), the 41st
# right after the 21st.
python3 - "$work/fake.log" >"$work/gaps.out" 2>&1 <<'PY'
import json, sys
t = [json.loads(l)["handled_at_ms"] for l in open(sys.argv[1]) if '"/robot/send"' in l]
gaps = [(t[k + 20] - t[k]) / 1000 for k in range(len(t) - 20)]
print("gaps between send k and k+20: %.1f s to %.1f s" % (min(gaps), max(gaps)))
assert min(gaps) > 60, gaps
assert max(gaps) < 64, gaps
PY
check "every 21st send left just after the minute it had to wait" cat "$work/gaps.out"
echo "# $(cat "$work/gaps.out")"

echo "1..$n"
[ "$failed" -eq 0 ]
