#!/usr/bin/env python3
# check-manifest.py MANIFEST APP_ID: flatpak-builder itself parses the
# Flatpak manifest (--show-manifest), then the parsed manifest is checked:
# a stable GNOME runtime, the command, the sandbox holes (exactly these and
# nothing broader), and an app module that builds this checkout with meson
# and runs its tests.  TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import subprocess
import sys

# No filesystem access: files arrive through the file chooser and drag and
# drop portals.  No org.freedesktop.secrets: inside the sandbox libsecret
# keeps secrets in its file backend, unlocked through the Secret portal.
EXPECTED_FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
]

manifest_path, app_id = sys.argv[1], sys.argv[2]
results = []


def check(ok, what, detail=None):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}")
    if not ok and detail is not None:
        for line in str(detail).splitlines():
            print(f"#   {line}")


try:
    shown = subprocess.run(["flatpak-builder", "--show-manifest", manifest_path],
                           capture_output=True, text=True, timeout=60)
except FileNotFoundError:
    # Not a skip: build-aux/install-deps.sh installs flatpak-builder.
    check(False, "flatpak-builder --show-manifest parses the manifest",
          "flatpak-builder is not installed (build-aux/install-deps.sh installs it)")
    print(f"1..{len(results)}")
    sys.exit(1)

check(shown.returncode == 0, "flatpak-builder --show-manifest parses the manifest",
      shown.stderr)
if shown.returncode != 0:
    print(f"1..{len(results)}")
    sys.exit(1)

manifest = json.loads(shown.stdout)
app_key = "id" if "id" in manifest else "app-id"

check(manifest.get(app_key) == app_id, f"the app ID is {app_id}", manifest.get(app_key))
check(manifest.get("runtime") == "org.gnome.Platform" and manifest.get("sdk") == "org.gnome.Sdk",
      "the runtime is org.gnome.Platform with org.gnome.Sdk",
      f"{manifest.get('runtime')} / {manifest.get('sdk')}")
version = str(manifest.get("runtime-version", ""))
check(re.fullmatch(r"[0-9]+", version) is not None,
      "the runtime is a stable numbered branch, not master", version)
check(manifest.get("command") == "dingdrop", "the command is dingdrop", manifest.get("command"))

finish_args = manifest.get("finish-args", [])
check(finish_args == EXPECTED_FINISH_ARGS,
      "finish-args are exactly: " + " ".join(EXPECTED_FINISH_ARGS),
      "found: " + " ".join(finish_args))
broad = [a for a in finish_args
         if a.startswith(("--filesystem", "--talk-name", "--system-talk-name",
                          "--own-name", "--socket=x11", "--socket=session-bus",
                          "--socket=system-bus", "--device=all", "--share=all"))]
check(not broad, "no filesystem, bus name or device access beyond these", " ".join(broad))

modules = manifest.get("modules", [])
app_module = modules[-1] if modules else {}
check(app_module.get("buildsystem") == "meson", "the app module builds with meson",
      app_module.get("buildsystem"))
sources = app_module.get("sources", [])
check(len(sources) == 1 and sources[0].get("type") == "dir" and sources[0].get("path") == "..",
      "the app module builds this checkout (type dir, path ..)", sources)
check(app_module.get("run-tests") is True, "the app module runs its tests (run-tests)",
      app_module.get("run-tests"))
commands = " ".join(app_module.get("test-commands", []))
check("meson test" in commands and "--setup flatpak" in commands,
      "the tests run with the flatpak test setup (no X server or keyring daemon there)", commands)

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
