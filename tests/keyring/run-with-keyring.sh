#!/bin/sh
# run-with-keyring.sh: run a test against a real, private Secret Service
#
#   run-with-keyring.sh [--file-backend | --no-service | --no-bus | --locked]
#                       PROGRAM [ARGS...]
#
# (default)       a private D-Bus session (dbus-run-session) in which
#                 gnome-keyring-daemon runs with its login keyring unlocked
#                 by a throwaway password
# --locked        the same; DD_TEST_SECRETS_BACKEND=locked tells the test to
#                 lock the keyring itself and expect errors
# --file-backend  no D-Bus and no daemon: libsecret's file backend (what
#                 runs inside Flatpak) on a throwaway file
# --no-service    a private D-Bus session with no Secret Service at all, to
#                 check that DingDrop fails with a clear error instead of
#                 hanging or falling back to a plain file
# --no-bus        no D-Bus session at all (a login over ssh): the same check
#
# The private bus can activate nothing: no second keyring daemon, and no
# unlock prompt (so a locked keyring fails at once, display or not).  HOME
# and the XDG folders point into a temporary folder that is removed at the
# end, so the user's own keyring and settings are never touched.  The tests
# read DD_TEST_SECRETS_BACKEND (keyring, locked, file or none) and skip when
# it is not set.  PROGRAM's exit status is passed through; 99 means the
# keyring could not be set up.  Works as root and without a display.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

mode="keyring"
case "${1-}" in
  --file-backend) mode="file"; shift ;;
  --no-service)   mode="none"; shift ;;
  --no-bus)       mode="nobus"; shift ;;
  --locked)       mode="locked"; shift ;;
  --inner)        mode="inner"; shift ;;
esac

if [ $# -lt 1 ]; then
  echo "usage: $0 [--file-backend | --no-service | --no-bus | --locked] PROGRAM [ARGS...]" >&2
  exit 2
fi

# Inside the private bus: start the keyring, run the program, stop the keyring.
if [ "$mode" = inner ]; then
  # It prints the variables to export (GNOME_KEYRING_CONTROL when it is not
  # the default place, sometimes nothing).  The daemon is not under test,
  # so it does not get the tests' G_DEBUG: gnome-keyring 42.1 emits a
  # Gkm-CRITICAL (gkm_session_C_DestroyObject) when a collection is locked
  # after items were replaced, and fatal-criticals would crash it.
  keyring_env=$(printf '%s' "$DD_TEST_KEYRING_PASSWORD" |
                env -u G_DEBUG -u G_MESSAGES_DEBUG \
                  gnome-keyring-daemon --unlock --daemonize --components=secrets)
  for assignment in $keyring_env; do
    case "$assignment" in
      *=*)
        # shellcheck disable=SC2163 # exports NAME=VALUE as printed
        export "$assignment" ;;
    esac
  done
  unset DD_TEST_KEYRING_PASSWORD

  # --daemonize returns before the daemon owns org.freedesktop.secrets:
  # wait for the name.  Its owner's pid lets us stop the daemon at the end;
  # it usually leaves with the bus, but not always at once.
  keyring_pid=
  tries=0
  while [ -z "$keyring_pid" ] && [ "$tries" -lt 100 ]; do
    keyring_pid=$(dbus-send --session --print-reply=literal \
                    --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                    org.freedesktop.DBus.GetConnectionUnixProcessID \
                    string:org.freedesktop.secrets 2>/dev/null |
                  awk '{ print $NF }') || true
    if [ -z "$keyring_pid" ]; then
      tries=$((tries + 1))
      sleep 0.1
    fi
  done
  if [ -z "$keyring_pid" ]; then
    echo "$0: gnome-keyring-daemon did not start a Secret Service" >&2
    exit 99
  fi

  status=0
  "$@" || status=$?
  kill "$keyring_pid" 2>/dev/null || true
  exit "$status"
fi

for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is missing (Debian packages dbus-daemon, dbus-bin, gnome-keyring)" >&2
    exit 99
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dd-keyring.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup () {
  rm -rf "$tmp" 2>/dev/null || { sleep 1; rm -rf "$tmp"; }
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -m 0700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" \
               "$tmp/runtime" "$tmp/services"

export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export DD_TEST_TMPDIR="$tmp"
# Nothing of the caller's session may leak in.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK \
      SECRET_BACKEND SECRET_FILE_TEST_PATH SECRET_FILE_TEST_PASSWORD \
      DISPLAY WAYLAND_DISPLAY 2>/dev/null || true

# A session bus whose only service dir is empty.
cat > "$tmp/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$tmp/runtime</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

if [ "$mode" = nobus ]; then
  export DD_TEST_SECRETS_BACKEND=none
else
  export DD_TEST_SECRETS_BACKEND="$mode"
fi

status=0
case "$mode" in
  keyring|locked)
    export DD_TEST_KEYRING_PASSWORD=pw
    dbus-run-session --config-file="$tmp/session.conf" -- \
      "$0" --inner "$@" || status=$?
    ;;
  file)
    export SECRET_BACKEND=file
    export SECRET_FILE_TEST_PATH="$tmp/data/keyrings/dingdrop-test.keyring"
    export SECRET_FILE_TEST_PASSWORD=pw
    "$@" || status=$?
    ;;
  none)
    dbus-run-session --config-file="$tmp/session.conf" -- "$@" || status=$?
    ;;
  nobus)
    # GDBus finds no bus in XDG_RUNTIME_DIR, and cannot autolaunch one
    # without a display.
    "$@" || status=$?
    ;;
esac

exit "$status"
