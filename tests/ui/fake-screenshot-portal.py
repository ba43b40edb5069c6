#!/usr/bin/python3
"""fake-screenshot-portal.py: the desktop's Screenshot portal, as a test
plays it, on the session bus (a private one: run-with-keyring.sh).

  fake-screenshot-portal.py --response N [--image PATH] [--log PATH]
                            [--delay MS]

It owns org.freedesktop.portal.Desktop and serves
org.freedesktop.portal.Screenshot (version 2) at
/org/freedesktop/portal/desktop as xdg-desktop-portal does: Screenshot
(s parent_window, a{sv} options) returns the handle of a Request object,
/org/freedesktop/portal/desktop/request/SENDER/TOKEN (SENDER the caller's
unique name without the ':' and with '.' as '_', TOKEN the caller's
handle_token), exports org.freedesktop.portal.Request there, and later,
as a user would after choosing an area, emits that object's Response
(u response, a{sv} results) to the caller alone: 0 with results["uri"]
the file:// URI of PATH, 1 (the user cancelled) or 2 (it failed) with no
results.  Request.Close drops the request without a Response.  Every
call is appended to PATH of --log as a line of JSON: method, sender,
parent_window and options.  It prints "ready" once it owns the name.
"""

import argparse
import json
import sys

from gi.repository import Gio, GLib

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
REQUEST_PREFIX = PORTAL_PATH + "/request/"

SCREENSHOT_XML = """
<node>
  <interface name="org.freedesktop.portal.Screenshot">
    <method name="Screenshot">
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="PickColor">
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""

REQUEST_XML = """
<node>
  <interface name="org.freedesktop.portal.Request">
    <method name="Close"/>
    <signal name="Response">
      <arg type="u" name="response"/>
      <arg type="a{sv}" name="results"/>
    </signal>
  </interface>
</node>
"""


class FakePortal:
    def __init__(self, args):
        self.args = args
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        self.screenshot_info = Gio.DBusNodeInfo.new_for_xml(SCREENSHOT_XML).interfaces[0]
        self.request_info = Gio.DBusNodeInfo.new_for_xml(REQUEST_XML).interfaces[0]
        self.requests = {}  # path -> registration id
        self.serial = 0

    def log(self, record):
        if self.args.log:
            with open(self.args.log, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")

    def request_path(self, sender, options):
        token = options.get("handle_token")
        if not token:
            self.serial += 1
            token = "fake%d" % self.serial
        return REQUEST_PREFIX + sender[1:].replace(".", "_") + "/" + token

    def portal_method(self, connection, sender, path, interface, method, parameters, invocation):
        parent_window, options = parameters.unpack()
        self.log({"method": method, "sender": sender,
                  "parent_window": parent_window, "options": options})
        handle = self.request_path(sender, options)
        if handle in self.requests:
            invocation.return_dbus_error("org.freedesktop.portal.Error.Failed",
                                         "a request with this token is pending")
            return
        self.requests[handle] = connection.register_object(
            handle, self.request_info, self.request_method, None, None)
        invocation.return_value(GLib.Variant("(o)", (handle,)))
        GLib.timeout_add(self.args.delay, self.respond, sender, handle)

    def portal_property(self, connection, sender, path, interface, name):
        if name == "version":
            return GLib.Variant("u", 2)
        return None

    def request_method(self, connection, sender, path, interface, method, parameters, invocation):
        self.log({"method": "Close", "sender": sender, "handle": path})
        self.drop(path)
        invocation.return_value(None)

    def drop(self, handle):
        registration = self.requests.pop(handle, None)
        if registration is not None:
            self.bus.unregister_object(registration)
        return registration is not None

    def respond(self, sender, handle):
        if handle not in self.requests:
            return GLib.SOURCE_REMOVE  # closed meanwhile
        results = {}
        if self.args.response == 0:
            uri = Gio.File.new_for_path(self.args.image).get_uri()
            results["uri"] = GLib.Variant("s", uri)
        # to the caller alone, as xdg-desktop-portal does: libportal adds
        # no match rule for it
        self.bus.emit_signal(sender, handle, "org.freedesktop.portal.Request", "Response",
                             GLib.Variant("(ua{sv})", (self.args.response, results)))
        self.drop(handle)
        return GLib.SOURCE_REMOVE

    def run(self):
        self.bus.register_object(PORTAL_PATH, self.screenshot_info,
                                 self.portal_method, self.portal_property, None)
        reply = self.bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus", "RequestName",
                                   GLib.Variant("(su)", (PORTAL_NAME, 4)),  # DO_NOT_QUEUE
                                   GLib.VariantType.new("(u)"), Gio.DBusCallFlags.NONE, -1, None)
        if reply.unpack()[0] != 1:  # PRIMARY_OWNER
            print("could not own " + PORTAL_NAME, file=sys.stderr)
            return 1
        print("ready", flush=True)
        GLib.MainLoop().run()
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--response", type=int, choices=(0, 1, 2), required=True)
    parser.add_argument("--image")
    parser.add_argument("--log")
    parser.add_argument("--delay", type=int, default=200)
    args = parser.parse_args()
    if args.response == 0 and not args.image:
        parser.error("--response 0 needs --image")
    return FakePortal(args).run()


if __name__ == "__main__":
    sys.exit(main())
