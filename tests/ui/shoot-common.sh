# shoot-common.sh: what the shoot-*.sh screenshot scripts share; sourced
# (`. "$(dirname "$0")/shoot-common.sh"`) after `set -eu`, with the
# script's arguments DINGDROP FAKE_DINGTALK OUTDIR LOCALEDIR [LANGUAGE...].
# Sets dingdrop, fake, out, localedir and work (a folder removed on exit,
# with the app and the fake DingTalk, by tests/tap.sh); leaves the
# languages as "$@" (en and zh_CN when none is given).
#
# SPDX-License-Identifier: GPL-3.0-or-later

dingdrop=$(realpath "$1")
fake=$(realpath "$2")
out=$(realpath "$3")
localedir=$(realpath "$4")
shift 4
[ $# -gt 0 ] || set -- en zh_CN

work=$(mktemp -d)
. "$(dirname "$0")/../tap.sh"

mkdir -p "$out"
unset G_MESSAGES_DEBUG

# fake secrets, as in the tests
APP_KEY=dingscreenshots
APP_SECRET='screenshot-app-secret'

# one_robot ARGS…: private folders, in-memory settings, a fresh fake
# DingTalk with one robot ($TOKEN, $SECRET) and its profile "Team Group",
# added with ARGS
one_robot () {
  private_xdg "$work"
  export GSETTINGS_BACKEND=memory
  TOKEN=5f1e2d3c4b5a69788796a5b4c3d2e1f05f1e2d3c4b5a69788796a5b4c3d2e1f0
  SECRET='SECscreenshot-secret'
  start_fake --app "$APP_KEY:$APP_SECRET" --robot "$TOKEN:$SECRET"
  printf 'webhook=%s/robot/send?access_token=%s\nsecret=%s\napp-secret=%s\n' \
         "$base" "$TOKEN" "$SECRET" "$APP_SECRET" |
    "$dingdrop" profile add "Team Group" --app-key "$APP_KEY" --oapi-base "$base" --api-base "$base" \
      "$@" >/dev/null
}

# accepted [TOKEN]: messages the fake DingTalk accepted (of TOKEN's robot
# only, if given)
accepted () {
  python3 - "$work/fake.log" "${1-}" <<'PY'
import json, sys
n = 0
try:
    for line in open(sys.argv[1]):
        e = json.loads(line)
        n += (e.get("path") == "/robot/send" and bool(e.get("accepted"))
              and (not sys.argv[2] or e.get("access_token") == sys.argv[2]))
except FileNotFoundError:
    pass
print(n)
PY
}

# launch_app LANG: the app in LANG, with an outbox (and so a history) of
# that language's own; sets suffix (-LANG, none for en), app_pid and wid
launch_app () {
  suffix="-$1"
  [ "$1" = en ] && suffix=
  XDG_DATA_HOME="$work/data-$1" LANGUAGE=$1 DINGDROP_LOCALEDIR="$localedir" \
    "$dingdrop" >"$work/app-$1.log" 2>&1 &
  app_pid=$!
  wid=$(timeout 20 xdotool search --sync --onlyvisible --class dingdrop | head -n 1)
}
