#!/bin/sh
# test-cli.sh: `dingdrop profile` and `dingdrop send` end to end: the real
# binary, a real Secret Service (run under keyring/run-with-keyring.sh), the
# fake DingTalk on loopback, and real image files.  TAP output.
#
#   test-cli.sh DINGDROP FAKE_DINGTALK
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

dingdrop=$1
fake=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/dd-cli.XXXXXX")
. "$(dirname "$0")/tap.sh"

check () {  # check DESCRIPTION COMMAND...
  desc=$1; shift
  if "$@" >"$work/check.out" 2>&1; then ok "$desc"; else not_ok "$desc" "$(cat "$work/check.out")"; fi
}

# Private settings; the keyring wrapper already gave private XDG dirs, but
# this test must not depend on that.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="${XDG_DATA_HOME:-$work/data}"
export XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

TOKEN=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SECRET='SECc0ffee+/=secret&value'
APP_KEY=dingcliappkey
APP_SECRET='cli-app-secret_4711'

start_fake --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET" --app-robot "dingclirobot:cidCliGroup=="

# Real images of real sizes: a screenshot-sized PNG and a photo-like JPEG.
convert -size 1920x1080 gradient:'#3584e4-#f6f5f4' -fill black -draw 'rectangle 100,100 900,600' "$work/a.png"
convert -size 1200x900 plasma:fractal -quality 90 "$work/b.jpg" 2>/dev/null ||
  convert -size 1200x900 gradient:red-blue -quality 90 "$work/b.jpg"
echo "just some notes" > "$work/notes.jpg"

count () {  # count PATH ACCEPTED: requests in the fake's log
  python3 - "$work/fake.log" "$1" "$2" <<'PY'
import json, sys
log, path, accepted = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
n = 0
for line in open(log):
    e = json.loads(line)
    if e.get("path") == path and bool(e.get("accepted")) == accepted:
        n += 1
print(n)
PY
}

expect_eq () {  # expect_eq DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got: $3"; fi
}

wait_grep () {  # wait_grep FILE REGEX: until a line of FILE matches (at most 15 s)
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
}

# --- usage lines name the whole command, each argument once
LC_ALL=C.UTF-8 LANGUAGE=C "$dingdrop" profile add --help >"$work/help.out" 2>&1
check "profile add --help names the command and its argument once" \
  grep -qx '  dingdrop profile add \[OPTION…\] NAME — add a group robot' "$work/help.out"
LC_ALL=C.UTF-8 LANGUAGE=C "$dingdrop" send --help >"$work/help.out" 2>&1
check "send --help names the command and its argument once" \
  grep -qx '  dingdrop send \[OPTION…\] FILE… — send images to a DingTalk group' "$work/help.out"

# --- profile add: secrets on standard input, never as arguments
printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add "Team Group" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
  >"$work/add.out" 2>&1
expect_eq "profile add exits 0" 0 $?

"$dingdrop" profile list >"$work/list.out" 2>&1
check "profile list shows the first robot as the default" grep -q "^Team Group (default)" "$work/list.out"

# a bare access token is accepted too and normalised
printf 'webhook=%s\nsecret=SECwrong-secret\napp-secret=%s\n' "$TOKEN" "$APP_SECRET" |
  "$dingdrop" profile add wrong --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" >/dev/null 2>&1
expect_eq "profile add with a bare token exits 0" 0 $?

printf 'webhook=%s\n' "$TOKEN" |
  "$dingdrop" profile add "Team Group" --oapi-base "$base" >"$work/dup.out" 2>&1
expect_eq "a duplicate name is refused" 1 $?

printf 'webhook=http://example.com/robot/send?access_token=x\n' |
  "$dingdrop" profile add plain-http >"$work/http.out" 2>&1
expect_eq "a plain-http webhook to a remote host is refused" 1 $?
check "…with a sentence that says why" grep -qi "https" "$work/http.out"

# --- send two images: both arrive, signed, with one access token
"$dingdrop" send "$work/a.png" "$work/b.jpg" >"$work/send.out" 2>"$work/send.err"
expect_eq "send a.png b.jpg exits 0" 0 $?
check "send reports each image as sent" \
  sh -c "grep -qx 'sent $work/a.png' '$work/send.out' && grep -qx 'sent $work/b.jpg' '$work/send.out'"
expect_eq "one gettoken request for the batch" 1 "$(count /gettoken true)"
expect_eq "two uploads accepted" 2 "$(count /media/upload true)"
expect_eq "two signed messages accepted" 2 "$(count /robot/send true)"

# --- the next run takes that access token from the keyring, not DingTalk
convert -size 800x600 gradient:'#26a269-#f6f5f4' "$work/c.png"
"$dingdrop" send "$work/c.png" >"$work/send2.out" 2>&1
expect_eq "a second send exits 0" 0 $?
expect_eq "…with the first run's access token: no second gettoken request" 1 "$(count /gettoken true)"
expect_eq "…its image uploaded with that token" 3 "$(count /media/upload true)"
app_token=$(python3 -c "
import json, sys
print([e for e in map(json.loads, open(sys.argv[1])) if e['path'] == '/gettoken'][0]['access_token'])
" "$work/fake.log")
check "…a token kept in no file of DingDrop's" \
  sh -c "[ -n '$app_token' ] && ! grep -rqF '$app_token' '$XDG_CONFIG_HOME' '$XDG_DATA_HOME' '$XDG_CACHE_HOME' '$XDG_STATE_HOME'"

# --- JSON output and standard input
"$dingdrop" send --json --album --caption "日报 截图" - <"$work/a.png" >"$work/json.out" 2>&1
expect_eq "send - (standard input) exits 0" 0 $?
check "--json prints one object with state sent and a media_id" python3 -c "
import json, sys
objs = [json.loads(l) for l in open('$work/json.out')]
assert len(objs) == 1, objs
o = objs[0]
assert o['file'] == '-' and o['state'] == 'sent' and o['media_id'].startswith('@'), o
assert o['errcode'] == 0 and o['error'] is None, o
"

# --- a wrong secret: exit 1 and the signing hint
"$dingdrop" send --profile wrong "$work/a.png" >"$work/wrong.out" 2>&1
expect_eq "a wrong secret exits 1" 1 $?
check "…and says the signing secret does not match (errcode 310000)" \
  grep -q "^failed $work/a.png: The robot’s signing secret does not match.*(errcode 310000)" "$work/wrong.out"

# --- bad files fail alone; the others still arrive
"$dingdrop" send "$work/notes.jpg" "$work/missing.png" "$work/b.jpg" >"$work/mixed.out" 2>&1
expect_eq "a batch with bad files exits 1" 1 $?
check "the text file is refused, naming it" grep -q "^failed $work/notes.jpg: " "$work/mixed.out"
check "the missing file is refused" grep -q "^failed $work/missing.png: " "$work/mixed.out"
check "the good image of that batch is sent" grep -qx "sent $work/b.jpg" "$work/mixed.out"

# --- usage errors exit 2
"$dingdrop" send >/dev/null 2>&1
expect_eq "send without files is a usage error" 2 $?
"$dingdrop" send --no-such-option "$work/a.png" >/dev/null 2>&1
expect_eq "an unknown option is a usage error" 2 $?
"$dingdrop" send --profile nobody "$work/a.png" >"$work/nobody.out" 2>&1
expect_eq "an unknown robot exits 1" 1 $?
check "…naming it" grep -q "nobody" "$work/nobody.out"

# --- profile test: a test picture, and the question whether it showed
"$dingdrop" profile test "Team Group" --yes >"$work/test.out" 2>&1
expect_eq "profile test --yes of a good robot exits 0" 0 $?
check "…posted the picture and marks the robot checked" \
  sh -c "grep -q 'Posted a test picture' '$work/test.out' && grep -q 'marked as checked' '$work/test.out'"
check "…stored in profiles.ini" grep -q "^CheckedAt=[0-9]" "$XDG_CONFIG_HOME/dingdrop/profiles.ini"
"$dingdrop" profile list >"$work/list-checked.out" 2>&1
check "…and shown by profile list" grep -q "^Team Group (default).*pictures checked 20" "$work/list-checked.out"
check "the test picture is a small PNG, posted as markdown with its media_id" python3 - "$work/fake.log" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
ups = [e for e in log if e.get("path") == "/media/upload" and e.get("filename") == "dingdrop-test.png" and e.get("accepted")]
assert ups and 1000 < ups[-1]["size"] < 100 * 1024, ups
sends = [e for e in log if e.get("path") == "/robot/send" and e.get("accepted")]
assert sends[-1]["body"]["msgtype"] == "markdown" and ups[-1]["media_id"] in sends[-1]["body"]["markdown"]["text"], sends[-1]
PY

"$dingdrop" profile test "Team Group" --no >"$work/test-no.out" 2>&1
expect_eq "profile test --no exits 1" 1 $?
check "…switches the robot to picture cards and says so" grep -q "picture cards" "$work/test-no.out"
check "…in profiles.ini, no longer checked" sh -c \
  "grep -q '^PictureStyle=card' '$XDG_CONFIG_HOME/dingdrop/profiles.ini' && ! grep -q '^CheckedAt=' '$XDG_CONFIG_HOME/dingdrop/profiles.ini'"
"$dingdrop" profile test "Team Group" --no >"$work/test-no2.out" 2>&1
expect_eq "a second --no (cards do not show either) exits 1" 1 $?
check "…and suggests an app robot" grep -q "app robot" "$work/test-no2.out"
check "…after posting a feedCard whose picURL is the test picture" python3 - "$work/fake.log" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
ups = [e for e in log if e.get("path") == "/media/upload" and e.get("filename") == "dingdrop-test.png" and e.get("accepted")]
send = [e for e in log if e.get("path") == "/robot/send" and e.get("accepted")][-1]
assert send["body"]["msgtype"] == "feedCard", send
assert send["body"]["feedCard"]["links"][0]["picURL"] == ups[-1]["media_id"], send
PY
"$dingdrop" profile edit "Team Group" --picture-style markdown >/dev/null 2>&1

# on a terminal, the question is asked (script(1) gives it one)
printf 'maybe\ny\n' | script -qec "'$dingdrop' profile test 'Team Group'" /dev/null >"$work/test-tty.out" 2>&1
expect_eq "profile test on a terminal, answered y, exits 0" 0 $?
check "…after asking “Did the picture show in the group? [y/n]” until the answer is y or n" \
  sh -c "[ \$(grep -o 'Did the picture show in the group? \[y/n\]' '$work/test-tty.out' | wc -l) -eq 2 ] && grep -q 'marked as checked' '$work/test-tty.out'"
"$dingdrop" profile test "Team Group" </dev/null >"$work/test-script.out" 2>&1
expect_eq "profile test without a terminal or an answer exits 0" 0 $?
check "…and says how to give the answer" grep -q -- "--yes" "$work/test-script.out"

"$dingdrop" profile test wrong --yes >"$work/test-wrong.out" 2>&1
expect_eq "profile test of a robot with a wrong secret exits 1" 1 $?
check "…says the picture could not be posted, naming the signing secret" \
  sh -c "grep -q 'could not be posted' '$work/test-wrong.out' && grep -q 'signing secret' '$work/test-wrong.out'"
"$dingdrop" profile list >"$work/list-wrong.out" 2>&1
check "…and does not mark it checked" grep -q "^wrong.*pictures not checked" "$work/list-wrong.out"

# --- an app robot: the test picture as a sampleImageMsg, with a token of
# the v1.0 oauth2 endpoint; DingTalk's answers said without "webhook"
printf 'app-secret=%s\n' "$APP_SECRET" |
  "$dingdrop" profile add "App Robot" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
    --robot-code dingclirobot --conversation-id "cidCliGroup==" >/dev/null 2>&1
expect_eq "profile add of an app robot exits 0" 0 $?
"$dingdrop" profile test "App Robot" --yes >"$work/test-app.out" 2>&1
expect_eq "profile test --yes of an app robot exits 0" 0 $?
check "…posted a sampleImageMsg of the test picture with the oauth2 token, not gettoken's" python3 - "$work/fake.log" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
up = [e for e in log if e.get("path") == "/media/upload" and e.get("filename") == "dingdrop-test.png" and e.get("accepted")][-1]
oauth = [e["access_token"] for e in log if e.get("path") == "/v1.0/oauth2/accessToken" and e.get("accepted")]
send = [e for e in log if e.get("path") == "/v1.0/robot/groupMessages/send" and e.get("accepted")][-1]
assert send["body"]["msgKey"] == "sampleImageMsg", send
assert json.loads(send["body"]["msgParam"]) == {"photoURL": up["media_id"]}, send
assert send["access_token"] in oauth and send["access_token"] != up["access_token"], (send, oauth, up)
PY
# a permission the app lacks, as DingTalk answers it: a fake of its own
"$fake" --port-file "$work/port4" --log "$work/perm.log" \
        --app "$APP_KEY:$APP_SECRET" --app-robot "dingclirobot:cidCliGroup==" \
        --next-answer '/v1.0/robot/groupMessages/send:1:403:{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","message":"no","accessdenieddetail":{"requiredScopes":["qyapi_robot_sendmsg"]}}' \
        >"$work/fake4.out" 2>&1 &
fake4_pid=$!
i=0
while [ ! -s "$work/port4" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
base4=$(cat "$work/port4")
printf 'app-secret=%s\n' "$APP_SECRET" |
  "$dingdrop" profile add "App Robot 2" --app-key "$APP_KEY" --oapi-base "$base4" --api-base "$base4" \
    --robot-code dingclirobot --conversation-id "cidCliGroup==" >/dev/null 2>&1
"$dingdrop" send --profile "App Robot 2" "$work/a.png" >"$work/perm.out" 2>&1
expect_eq "an app robot without the permission to send: exit 1" 1 $?
check "…naming the permission and its scope, not a webhook" \
  sh -c "grep -q 'The app lacks the permission 企业内机器人发送消息 (qyapi_robot_sendmsg)' '$work/perm.out' && ! grep -qi webhook '$work/perm.out'"
kill "$fake4_pid" 2>/dev/null; wait "$fake4_pid" 2>/dev/null
"$dingdrop" outbox clear --failed >/dev/null 2>&1
"$dingdrop" profile remove "App Robot 2" >/dev/null 2>&1
"$dingdrop" profile remove "App Robot" >/dev/null 2>&1

# --- picture style: picture cards (feedCard, picURL = the media_id)
"$dingdrop" profile edit "Team Group" --picture-style feedcard >"$work/edit-bad.out" 2>&1
expect_eq "profile edit with an unknown style is a usage error" 2 $?
"$dingdrop" profile edit "Team Group" --card-url 'javascript:alert(1)' >"$work/edit-url.out" 2>&1
expect_eq "profile edit refuses a card link that is not a web address" 1 $?
check "…saying so" grep -q "https://" "$work/edit-url.out"
"$dingdrop" profile edit "Team Group" --picture-style card --card-title "Screenshot" >"$work/edit.out" 2>&1
expect_eq "profile edit --picture-style card exits 0" 0 $?
check "…and profiles.ini has it" grep -q "^PictureStyle=card" "$XDG_CONFIG_HOME/dingdrop/profiles.ini"
"$dingdrop" send --json --caption "卡片" "$work/a.png" >"$work/card.out" 2>&1
expect_eq "send in picture-card style exits 0" 0 $?
check "…as a markdown caption, then a feedCard whose picURL is the image's media_id" python3 - "$work/fake.log" "$work/card.out" <<'PY'
import json, sys
media = json.loads(open(sys.argv[2]).readline())["media_id"]
sends = [json.loads(l) for l in open(sys.argv[1])]
sends = [e for e in sends if e.get("path") == "/robot/send" and e.get("accepted")][-2:]
assert sends[0]["body"]["msgtype"] == "markdown" and "卡片" in sends[0]["body"]["markdown"]["text"], sends
card = sends[1]["body"]
assert card["msgtype"] == "feedCard", card
links = card["feedCard"]["links"]
assert len(links) == 1 and links[0]["picURL"] == media and links[0]["title"] == "Screenshot", links
assert links[0]["messageURL"].startswith("https://"), links
PY
"$dingdrop" profile edit "Team Group" --picture-style markdown >/dev/null 2>&1
expect_eq "profile edit back to markdown exits 0" 0 $?

# --- no secret in any file DingDrop or the keyring wrote
leaks=$(grep -rlF -e "$TOKEN" -e "$SECRET" -e "$APP_SECRET" \
          "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" 2>/dev/null)
expect_eq "no secret in any file under the XDG folders" "" "$leaks"
check "the config file exists (the check above looked at something)" test -s "$XDG_CONFIG_HOME/dingdrop/profiles.ini"

# --- remove deletes the secrets too
"$dingdrop" profile remove wrong >/dev/null 2>&1
expect_eq "profile remove exits 0" 0 $?
"$dingdrop" send --profile wrong "$work/a.png" >/dev/null 2>&1
expect_eq "a removed robot is gone" 1 $?
# secret-tool (libsecret-tools, build-aux/install-deps.sh) is needed: a
# missing one fails this check rather than skipping it
secret-tool search --all field all >"$work/search.out" 2>&1
# only "Team Group"'s item (its webhook and secrets) is left
expect_eq "only the remaining robot's secrets are in the keyring (secret-tool)" 1 \
  "$(grep -c '^secret = ' "$work/search.out")"

# --- two `profile add` at once keep each other's robot.  The first has read
# profiles.ini and waits for its secrets on standard input while the second
# adds its robot; its save then merges, instead of writing what it read
# and dropping the second robot (whose keyring items would be left behind).
mkfifo "$work/slow.in"
exec 3<>"$work/slow.in"
"$dingdrop" profile add slow --oapi-base "$base" <"$work/slow.in" >"$work/slow.out" 2>&1 3>&- &
slow_pid=$!
# until it has read profiles.ini and blocks on standard input: its system
# call is read(0, …) (the kernel shows it; same user, our child)
i=0
until read -r nr fd _ <"/proc/$slow_pid/syscall" 2>/dev/null && [ "$nr" = 0 ] && [ "$fd" = 0x0 ]; do
  [ $i -ge 600 ] && break
  sleep 0.05; i=$((i + 1))
done
check "the first profile add waits on standard input (read(0, …))" \
  sh -c "read -r nr fd _ </proc/$slow_pid/syscall && [ \"\$nr\" = 0 ] && [ \"\$fd\" = 0x0 ]"
printf 'webhook=%s\n' "$TOKEN" |
  "$dingdrop" profile add quick --oapi-base "$base" >"$work/quick.out" 2>&1
expect_eq "a second profile add while the first waits for its secrets exits 0" 0 $?
printf 'webhook=%s\n' "$TOKEN" >&3
exec 3>&-
wait "$slow_pid"
expect_eq "…and the first one, given its secrets, exits 0" 0 $?
"$dingdrop" profile list >"$work/both.out" 2>&1
check "both robots are saved" sh -c "grep -q '^slow' '$work/both.out' && grep -q '^quick' '$work/both.out'"

"$dingdrop" profile remove slow >/dev/null 2>&1
expect_eq "profile remove of the first exits 0" 0 $?
"$dingdrop" profile list >"$work/after.out" 2>&1
check "the robot of the second profile add survives the removal of another" \
  grep -q '^quick' "$work/after.out"
check "…and so does the robot added before both" grep -q '^Team Group (default)' "$work/after.out"
check "…and the removed one is gone" sh -c "! grep -q '^slow' '$work/after.out'"

# --- a batch bigger than the soft limit of open files: the outbox holds a
# lock for each image it owns, and raises the limit for them
mkdir -p "$work/many"
convert -size 40x30 "xc:#2ec27e" "$work/many/base.png"
for i in $(seq 1 150); do
  convert "$work/many/base.png" -fill white -draw "point $((i % 40)),$((i / 40))" "$work/many/m-$i.png"
done
(ulimit -S -n 128 && "$dingdrop" send --album --profile "Team Group" "$work"/many/m-*.png) \
  >"$work/many.out" 2>&1
expect_eq "150 images as one album with 128 open files allowed: exit 0" 0 $?
check "…all 150 sent" sh -c "[ \$(grep -c '^sent ' '$work/many.out') -eq 150 ]"
# the history keeps no images by default: `send` leaves none behind, also
# those whose thumbnails were made after their upload
check "…and no copy of an image is left in the outbox" \
  sh -c "[ -z \"\$(find '$XDG_DATA_HOME/dingdrop/outbox/jobs' -name original -o -name prepared)\" ]"

# --- a damaged job.json: listed with its folder, its image kept; clear
# removes it
jobs_dir="$XDG_DATA_HOME/dingdrop/outbox/jobs"
mkdir -p "$jobs_dir/brokenjob01"
printf '{"version": 1, "batch-' >"$jobs_dir/brokenjob01/job.json"
printf 'a picture' >"$jobs_dir/brokenjob01/original"
"$dingdrop" outbox list >"$work/damaged.out" 2>"$work/damaged.err"
check "outbox list shows the damaged job with where its image is kept, and no critical" \
  sh -c "grep -q '^brokenjob01	damaged	.*$jobs_dir/brokenjob01/original' '$work/damaged.out' && ! grep -q CRITICAL '$work/damaged.err'"
"$dingdrop" outbox list --json >"$work/damaged.json" 2>&1
check "…and in JSON" python3 -c "
import json
jobs = [json.loads(l) for l in open('$work/damaged.json')]
d = [j for j in jobs if j['state'] == 'damaged']
assert len(d) == 1 and d[0]['id'] == 'brokenjob01' and d[0]['data_path'].endswith('/original'), jobs
"
"$dingdrop" outbox clear >"$work/clear-damaged.out" 2>&1
check "outbox clear removes it" test ! -e "$jobs_dir/brokenjob01"

# --- a keyring still locked since the login (the daemon started without
# the password): every command names the locked keyring; a removal that
# cannot remove the secrets removes nothing and says so
if [ "${DD_TEST_SECRETS_BACKEND-}" = keyring ]; then
  restart_keyring () {  # restart_keyring [PASSWORD]: as a new login would
    pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{ print $NF }')
    kill "$pid"
    while dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true; do sleep 0.1; done
    if [ $# -gt 0 ]; then
      printf '%s' "$1" | env -u G_DEBUG gnome-keyring-daemon --unlock --daemonize --components=secrets >/dev/null
    else
      # keyring_data: where its keyrings are (a folder without any: a
      # Secret Service with no default keyring at all)
      XDG_DATA_HOME="${keyring_data:-$XDG_DATA_HOME}" \
        env -u G_DEBUG gnome-keyring-daemon --daemonize --components=secrets </dev/null >/dev/null
    fi
    until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true; do sleep 0.1; done
  }
  restart_keyring
  jobs_before=$(ls "$jobs_dir" | wc -l)
  "$dingdrop" send --profile "Team Group" "$work/a.png" >"$work/locked-send.out" 2>&1
  expect_eq "send with the keyring locked since the login exits 1" 1 $?
  check "…and names the locked keyring, not a missing webhook" \
    sh -c "grep -q 'keyring is not available or is locked' '$work/locked-send.out' && ! grep -qi 'no webhook' '$work/locked-send.out'"
  # the image is copied into the outbox while the keyring is asked: the
  # batch that cannot go leaves nothing behind
  check "…and leaves no job in the outbox" sh -c "[ \$(ls '$jobs_dir' | wc -l) -eq $jobs_before ]"
  "$dingdrop" profile test "Team Group" >"$work/locked-test.out" 2>&1
  check "profile test names the locked keyring, not 'not set'" \
    sh -c "grep -q 'keyring is not available or is locked' '$work/locked-test.out' && ! grep -q 'not set' '$work/locked-test.out'"
  "$dingdrop" profile remove "Team Group" >"$work/locked-remove.out" 2>&1
  expect_eq "profile remove with the keyring locked exits 1" 1 $?
  check "…does not claim it removed the secrets" sh -c "! grep -q 'Removed' '$work/locked-remove.out'"
  # a Secret Service without any keyring (the login keyring deleted, a
  # fresh account): named as such too, not "no webhook" or "removed"
  mkdir -p "$work/no-keyrings"
  keyring_data="$work/no-keyrings" restart_keyring
  keyring_data=
  "$dingdrop" send --profile "Team Group" "$work/a.png" >"$work/absent-send.out" 2>&1
  expect_eq "send with a Secret Service that has no keyring exits 1" 1 $?
  check "…and names the keyring, not the AppKey or the webhook" \
    sh -c "grep -q 'keyring is not available or is locked' '$work/absent-send.out' && ! grep -qi 'AppKey\|no webhook' '$work/absent-send.out'"
  "$dingdrop" profile remove "Team Group" >"$work/absent-remove.out" 2>&1
  expect_eq "profile remove then exits 1" 1 $?
  check "…and does not claim it removed the secrets" sh -c "! grep -q 'Removed' '$work/absent-remove.out'"
  restart_keyring pw   # the wrapper's password
  "$dingdrop" profile list >"$work/locked-list.out" 2>&1
  check "once unlocked, the robot is still there" grep -q '^Team Group' "$work/locked-list.out"
  check "…with its secrets" sh -c "[ \$(secret-tool search --all field all 2>/dev/null | grep -c '^secret = ') -ge 1 ]"
else
  # counted as skipped, not as passed
  echo "ok $((n + 1)) - the keyring locked since the login # SKIP needs the gnome-keyring of run-with-keyring.sh"
  n=$((n + 1))
fi

# --- a line feed, a carriage return or a tab in a file name makes no line
# or column of its own in the plain output (scripts read it line by line)
forged="$work/$(printf 'line\nsent forged\r\t.png')"
cp "$work/a.png" "$forged"
"$dingdrop" send --profile "Team Group" "$forged" >"$work/forged.out" 2>&1
expect_eq "a file name with a line feed is sent (exit 0)" 0 $?
expect_eq "…and reported on one line, the control characters as \\xNN" \
  "1 sent $work/line\x0asent forged\x0d\x09.png" "$(wc -l <"$work/forged.out") $(cat "$work/forged.out")"
"$dingdrop" outbox list >"$work/forged-list.out" 2>&1
check "…and outbox list shows it on one line of four columns and a date" \
  sh -c "grep -F 'line\x0asent forged\x0d\x09.png' '$work/forged-list.out' | awk -F '\t' 'NF == 5 { n++ } END { exit n != 1 }'"

# --- standard input (`send -`) in every shape a pipe comes in.  A slow
# producer: the image in two parts, a second apart.
convert -size 800x600 gradient:'#26a269-#f6f5f4' -fill black -draw 'circle 400,300 400,100' "$work/piped.png"
{ head -c 3000 "$work/piped.png"; sleep 1; tail -c +3001 "$work/piped.png"; } |
  "$dingdrop" send --profile "Team Group" - >"$work/stdin-slow.out" 2>&1
expect_eq "send - from a slow producer exits 0" 0 $?
check "…and sends the whole image" grep -qx "sent -" "$work/stdin-slow.out"

"$dingdrop" send --profile "Team Group" - "$work/b.jpg" </dev/null >"$work/stdin-empty.out" 2>&1
expect_eq "an empty standard input fails (exit 1)" 1 $?
check "…saying it is empty, and the other image still goes" sh -c \
  "grep -qx 'failed -: Standard input is empty: there is no image on it.' '$work/stdin-empty.out' &&
   grep -qx 'sent $work/b.jpg' '$work/stdin-empty.out'"

uploads_before=$(count /media/upload true)
t0=$(date +%s)
cat /dev/zero | "$dingdrop" send --profile "Team Group" - >"$work/stdin-endless.out" 2>&1
status=$?
t1=$(date +%s)
expect_eq "an endless standard input stops at the cap (exit 1, within 60 s)" "1 yes" \
  "$status $( [ $((t1 - t0)) -le 60 ] && echo yes || echo no)"
check "…saying it is too much for one image" \
  grep -q "^failed -: Standard input holds more than .*; that is too much for one image." "$work/stdin-endless.out"

timeout 60 "$dingdrop" send --profile "Team Group" - <&- >"$work/stdin-closed.out" 2>&1
expect_eq "a closed standard input fails (exit 1)" 1 $?
check "…saying it is closed (not reading whatever file took its place)" \
  grep -qx "failed -: Standard input is closed: there is no image on it." "$work/stdin-closed.out"

# a terminal as standard input: refused at once, not waited on
timeout 60 script -qec "\"$dingdrop\" send --profile 'Team Group' -" /dev/null </dev/null >"$work/stdin-tty.out" 2>&1
check "a terminal as standard input is refused, saying to pipe an image" \
  grep -q "Standard input is a terminal. Pipe an image into “dingdrop send -”" "$work/stdin-tty.out"

# Ctrl-C while the image trickles in: stops at once, nothing sent.  The
# signal is sent once the process catches SIGINT (its status says so),
# that is, once it reads.
mkfifo "$work/stdin.fifo"
"$dingdrop" send --profile "Team Group" - <"$work/stdin.fifo" >"$work/stdin-int.out" 2>&1 &
int_pid=$!
exec 7>"$work/stdin.fifo"
head -c 3000 "$work/piped.png" >&7
catches_sigint () {
  mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
  [ -n "$mask" ] && [ $(( 0x$mask & 2 )) -ne 0 ]
}
i=0
while ! catches_sigint "$int_pid" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$int_pid"
i=0
while kill -0 "$int_pid" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
if kill -0 "$int_pid" 2>/dev/null; then kill -KILL "$int_pid"; fi
wait "$int_pid"
status=$?
exec 7>&-
expect_eq "Ctrl-C while reading standard input stops it within 3 s (exit 1)" 1 "$status"
check "…saying that nothing was sent" \
  grep -qx "dingdrop: Stopped while reading standard input; nothing was sent." "$work/stdin-int.out"
expect_eq "…and nothing was uploaded by these four" "$uploads_before" "$(count /media/upload true)"

# --- results as they come, and Ctrl-C.  A second fake, every request late:
# the first image's line is out while the batch still runs; SIGINT stops
# the send with a sentence, and what is left waits for `outbox resume`.
TOKEN3=fedcba0123456789fedcba0123456789fedcba0123456789fedcba0123456789
"$fake" --port-file "$work/port3" --log "$work/slow.log" --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN3:$SECRET" \
        --fail-next 100000:latency --latency 700 >"$work/fake3.out" 2>&1 &
fake3_pid=$!
i=0
while [ ! -s "$work/port3" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
base3=$(cat "$work/port3")
printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
       "$base3" "$TOKEN3" "$SECRET" "$APP_SECRET" |
  "$dingdrop" profile add late --app-key "$APP_KEY" --oapi-base "$base3" --api-base "$base3" >/dev/null 2>&1
for i in 1 2 3 4 5 6; do convert -size 320x200 "xc:#3584e4" -fill white -draw "rectangle 10,10 $((i * 40)),90" "$work/late-$i.png"; done

"$dingdrop" send --profile late "$work"/late-*.png >"$work/late.out" 2>"$work/late.err" &
send_pid=$!
wait_grep "$work/late.out" '^sent '
check "the first image's result is printed while the others are still on their way" \
  sh -c "grep -qx 'sent $work/late-1.png' '$work/late.out' && kill -0 $send_pid"
kill -INT "$send_pid"
t0=$(date +%s)
wait "$send_pid"
status=$?
t1=$(date +%s)
expect_eq "Ctrl-C stops the send (exit 1), without waiting for the rest" "1 yes" \
  "$status $( [ $((t1 - t0)) -le 3 ] && echo yes || echo no)"
check "…saying that the rest waits in the outbox for 'outbox resume'" \
  grep -q "wait in the outbox; “dingdrop outbox resume” sends them" "$work/late.err"
"$dingdrop" outbox resume >"$work/late-resume.out" 2>&1
expect_eq "outbox resume then sends the rest (exit 0)" 0 $?
check "…each of the six images arrived once" python3 - "$work/slow.log" <<'PY'
import collections, json, re, sys
names = collections.Counter()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("path") == "/robot/send" and e.get("accepted") and not e.get("duplicate"):
        names.update(re.findall(r"late-\d\.png", json.dumps(e.get("body"))))
assert sorted(names) == ["late-%d.png" % i for i in range(1, 7)] and set(names.values()) == {1}, names
PY

# --- the user's settings (the window's Preferences) hold for send too;
# GSettings' keyfile backend stands in for dconf
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/dingdrop/DingDrop]\nkeep-history-images=true\nconcurrent-uploads=1\n' \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
for i in 1 2 3 4 5; do convert -size 320x200 "xc:#26a269" -fill white -draw "circle 160,100 $((i * 20)),50" "$work/set-$i.png"; done
kept () { find "$XDG_DATA_HOME/dingdrop/outbox/jobs" -name original | wc -l; }
kept_before=$(kept)
log_before=$(wc -l <"$work/slow.log")
GSETTINGS_BACKEND=keyfile "$dingdrop" send --profile late "$work"/set-1.png "$work"/set-2.png "$work"/set-3.png \
  >"$work/set.out" 2>&1
expect_eq "send with the user's settings exits 0" 0 $?
expect_eq "keep-history-images: the copies of the sent images stay, for the history" \
  $((kept_before + 3)) "$(kept)"
check "concurrent-uploads=1: each upload begins once the one before is answered" \
  python3 - "$work/slow.log" "$log_before" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
# the fake logs a request when it answers it, 700 ms after it came
ups = sorted((e["handled_at_ms"] - 700, e["handled_at_ms"])
             for e in map(json.loads, lines) if e.get("path") == "/media/upload")
assert len(ups) == 3, ups
for (_, answered), (began, _) in zip(ups, ups[1:]):
    assert began >= answered - 20, ups
PY

printf 'sends-per-minute=1\n' >>"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
GSETTINGS_BACKEND=keyfile "$dingdrop" send --profile late "$work"/set-4.png "$work"/set-5.png \
  >"$work/set-rate.out" 2>"$work/set-rate.err" &
send_pid=$!
wait_grep "$work/set-rate.err" 'messages\? a minute'
check "sends-per-minute=1: send says it keeps to the setting, and waits" \
  sh -c "grep -q 'your settings allow a robot 1 message a minute: sending these takes' '$work/set-rate.err' && kill -0 $send_pid"
kill -INT "$send_pid"
wait "$send_pid"

printf '[io/github/dingdrop/DingDrop]\nmax-megapixels=1\n' >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
convert -size 1200x900 "xc:#c01c28" "$work/set-big.png"
GSETTINGS_BACKEND=keyfile "$dingdrop" send --profile late "$work/set-big.png" >"$work/set-big.out" 2>&1
expect_eq "max-megapixels=1: a 1.08-megapixel image is refused (exit 1)" 1 $?
check "…saying its size" grep -q "^failed $work/set-big.png: .*1200 × 900" "$work/set-big.out"
rm -f "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
kill "$fake3_pid" 2>/dev/null; wait "$fake3_pid" 2>/dev/null

echo "1..$n"
[ "$failed" -eq 0 ]
