#!/bin/sh
# test-cli-multi.sh: `dingdrop send --profile A --profile B`: each robot
# its own messages, one failing robot does not hold the other back, and
# the output says which robot each result is for.  The real binary, a real
# Secret Service (run under keyring/run-with-keyring.sh), the fake
# DingTalk with two robots on loopback, real image files.  TAP output.
#
#   test-cli-multi.sh DINGDROP FAKE_DINGTALK
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
fake=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-cli-multi.XXXXXX")
. "$(dirname "$0")/tap.sh"

check () {  # check DESCRIPTION COMMAND...
  desc=$1; shift
  if "$@" >"$work/check.out" 2>&1; then ok "$desc"; else not_ok "$desc" "$(cat "$work/check.out")"; fi
}

private_xdg "$work"

TOKEN_A=aaaa456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
TOKEN_B=bbbb456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SECRET_A='SECaaaa+/=secret'
SECRET_B='SECbbbb+/=secret'
APP_KEY=dingmultiappkey
APP_SECRET='multi-app-secret_4711'

start_fake --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN_A:$SECRET_A" --robot "$TOKEN_B:$SECRET_B"

convert -size 640x480 gradient:'#3584e4-#f6f5f4' "$work/a.png"
convert -size 800x600 gradient:red-blue -quality 90 "$work/b.jpg"

add_robot () {  # add_robot NAME TOKEN SECRET
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
         "$base" "$2" "$3" "$APP_SECRET" |
    "$dingdrop" profile add "$1" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" >/dev/null 2>&1
}
add_robot "Team A" "$TOKEN_A" "$SECRET_A"
add_robot "Team B" "$TOKEN_B" "$SECRET_B"
add_robot "Wrong B" "$TOKEN_B" "SECnot-the-secret"   # the group of Team B, a wrong secret

# messages ACCEPTED or not since log line FROM, for the robot of TOKEN:
# the names of the images they show, sorted, one line
images () {  # images TOKEN FROM ACCEPTED
  /usr/bin/python3 - "$work/fake.log" "$1" "$2" "$3" <<'PY'
import json, re, sys
log, token, start, accepted = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "true"
everything = open(log).read().splitlines()
lines = everything[start:]
uploads = {}   # of the whole log: the media cache reuses an earlier upload
names = []
for line in everything:
    e = json.loads(line)
    if e.get("path") == "/media/upload" and e.get("accepted"):
        uploads[e["media_id"]] = e.get("filename")
for line in lines:
    e = json.loads(line)
    if e.get("path") != "/robot/send" or e.get("access_token") != token or bool(e.get("accepted")) != accepted:
        continue
    text = e["body"]["markdown"]["text"]
    for media_id in re.findall(r"\]\((@[^)]+)\)", text):
        names.append(uploads.get(media_id, "?"))
print(" ".join(sorted(names)))
PY
}
mark () { wc -l <"$work/fake.log"; }

# --- two robots, two images: each robot both of them, once
from=$(mark)
"$dingdrop" send --profile "Team A" --profile "Team B" "$work/a.png" "$work/b.jpg" >"$work/two.out" 2>"$work/two.err"
expect_eq "send to two robots exits 0" 0 $?
expect_eq "Team A's group got a.png and b.jpg, once each" "a.png b.jpg" "$(images "$TOKEN_A" "$from" true)"
expect_eq "Team B's group got a.png and b.jpg, once each" "a.png b.jpg" "$(images "$TOKEN_B" "$from" true)"
expect_eq "…and nothing was refused" "" "$(images "$TOKEN_A" "$from" false)$(images "$TOKEN_B" "$from" false)"
check "each image's result is printed per robot, naming it" sh -c "
  grep -qx 'sent $work/a.png to Team A' '$work/two.out' && grep -qx 'sent $work/b.jpg to Team A' '$work/two.out' &&
  grep -qx 'sent $work/a.png to Team B' '$work/two.out' && grep -qx 'sent $work/b.jpg to Team B' '$work/two.out' &&
  [ \$(wc -l <'$work/two.out') -eq 4 ]"

# --- one robot fails: the other still gets its images; exit 1; which is said
from=$(mark)
"$dingdrop" send --profile "Wrong B" --profile "Team A" "$work/a.png" "$work/b.jpg" >"$work/fail.out" 2>"$work/fail.err"
expect_eq "send with one failing robot exits 1" 1 $?
expect_eq "the good robot's group still got both images" "a.png b.jpg" "$(images "$TOKEN_A" "$from" true)"
expect_eq "the failing robot's group showed nothing" "" "$(images "$TOKEN_B" "$from" true)"
check "the output says the images failed for Wrong B, with the reason, and were sent to Team A" sh -c "
  grep -q '^failed $work/a.png to Wrong B: The robot’s signing secret does not match.*(errcode 310000)' '$work/fail.out' &&
  grep -q '^failed $work/b.jpg to Wrong B: ' '$work/fail.out' &&
  grep -qx 'sent $work/a.png to Team A' '$work/fail.out' && grep -qx 'sent $work/b.jpg to Team A' '$work/fail.out'"
"$dingdrop" outbox clear --failed >/dev/null 2>&1

# --- JSON: a robot field on each object
from=$(mark)
"$dingdrop" send --json --profile "Team A" --profile "Team B" "$work/a.png" >"$work/json.out" 2>&1
expect_eq "send --json to two robots exits 0" 0 $?
check "--json prints one object per robot, each with its robot" /usr/bin/python3 -c "
import json
objs = [json.loads(l) for l in open('$work/json.out')]
assert sorted(o['robot'] for o in objs) == ['Team A', 'Team B'], objs
assert all(o['file'] == '$work/a.png' and o['state'] == 'sent' and o['media_id'].startswith('@') for o in objs), objs
"

# --- the same robot named twice (by name and again) is sent to once
from=$(mark)
"$dingdrop" send --profile "Team A" --profile "Team A" "$work/a.png" >"$work/twice.out" 2>&1
expect_eq "the same robot twice exits 0" 0 $?
expect_eq "…its group got the image once" "a.png" "$(images "$TOKEN_A" "$from" true)"
check "…and the line is the one-robot line" grep -qx "sent $work/a.png" "$work/twice.out"

# --- one robot, as before: no robot in the line
"$dingdrop" send --profile "Team B" "$work/b.jpg" >"$work/one.out" 2>&1
expect_eq "a single --profile still works" 0 $?
check "…with the one-robot line" grep -qx "sent $work/b.jpg" "$work/one.out"

# --- an unknown robot among several: nothing is sent, the same sentence as for one
"$dingdrop" send --profile nobody "$work/a.png" >"$work/nobody1.out" 2>&1
"$dingdrop" outbox list >"$work/before.out" 2>&1
from=$(mark)
"$dingdrop" send --profile "Team A" --profile nobody "$work/a.png" >"$work/nobody.out" 2>&1
expect_eq "an unknown robot among several exits 1" 1 $?
expect_eq "…before anything was sent" "$from" "$(mark)"
check "…with the sentence for one unknown robot" sh -c "
  grep -q 'nobody' '$work/nobody.out' && [ \"\$(cat '$work/nobody.out')\" = \"\$(cat '$work/nobody1.out')\" ]"
"$dingdrop" outbox list >"$work/left.out" 2>&1
check "…and added nothing to the outbox" cmp "$work/before.out" "$work/left.out"

echo "1..$n"
[ "$failed" -eq 0 ]
