#!/bin/sh
# test-dbus-activation.sh DINGDROP: the desktop file says
# DBusActivatable=true, so GNOME starts DingDrop through its D-Bus service
# file, not through Exec=.  This installs a service file for the built
# binary into a private session bus under Xvfb, asks the bus to activate the
# app the way the shell does (org.freedesktop.Application.Activate), waits
# for the window, and quits it through the app action.  Then it opens an
# image the way "Open With DingDrop" does when DingDrop is not running
# (org.freedesktop.Application.Open starts it).  TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

if [ "${DD_ACTIVATION_INNER-}" != 1 ]; then
  dingdrop=$(realpath "$1")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/share/dbus-1/services" "$work/config" "$work/cache" "$work/runtime"
  chmod 700 "$work/runtime"
  cat > "$work/share/dbus-1/services/$DD_APP_ID.service" <<SERVICE
[D-BUS Service]
Name=$DD_APP_ID
Exec=$dingdrop --gapplication-service
SERVICE
  # The bus reads its service folders from XDG_DATA_HOME and XDG_DATA_DIRS.
  # Everything the app may write goes into the throwaway folder.
  HOME="$work" XDG_DATA_HOME="$work/share" XDG_DATA_DIRS="$work/share:/usr/local/share:/usr/share" \
  XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/runtime" \
  DD_ACTIVATION_INNER=1 DD_WORK="$work" \
    xvfb-run -a dbus-run-session -- "$0" "$@"
  exit $?
fi

app_path=/$(echo "$DD_APP_ID" | tr . /)
n=0
status=0

ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; status=1; fi
}

call () {
  timeout 20 gdbus call --session --dest "$DD_APP_ID" --object-path "$app_path" "$@"
}

running () {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$DD_APP_ID" | grep -q true
}

! running
ok $? "DingDrop is not running before it is activated"

# A launcher passes the startup notification id in platform-data.
call --method org.freedesktop.Application.Activate "{'desktop-startup-id': <'dd-test_TIME0'>}" >/dev/null
ok $? "the bus starts DingDrop from its service file and it answers Activate"

running
ok $? "DingDrop owns $DD_APP_ID on the session bus"

timeout 20 xdotool search --sync --onlyvisible --name '.' >/dev/null 2>&1
ok $? "the window is shown"

call --method org.freedesktop.Application.ActivateAction quit '[]' '{}' >/dev/null
ok $? "app.quit is reachable through D-Bus"

i=0
while running && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
! running
ok $? "DingDrop quits and leaves the bus"

# "Open With DingDrop" on an image, with DingDrop not running.
convert -size 320x200 gradient:'#3296fa-#ffffff' "$DD_WORK/shot.png"
call --method org.freedesktop.Application.Open "['file://$DD_WORK/shot.png']" '{}' >/dev/null
ok $? "the bus starts DingDrop for Open with an image file"

timeout 20 xdotool search --sync --onlyvisible --name '.' >/dev/null 2>&1
ok $? "the window is shown for the opened image"

sleep 1
running
ok $? "DingDrop is still running after opening the image (no critical, no crash)"

pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetConnectionUnixProcessID "$DD_APP_ID" | tr -dc 0-9)
[ -n "$pid" ] && kill "$pid"
i=0
while running && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done

echo "1..$n"
exit $status
