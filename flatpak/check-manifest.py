#!/usr/bin/env python3
# check-manifest.py MANIFEST APP_ID: flatpak-builder itself parses the
# Flatpak manifest (--show-manifest), then the parsed manifest is checked:
# a stable GNOME runtime, the command, the sandbox holes (exactly these and
# nothing broader), and an app module that builds this checkout with meson
# and runs its tests.  TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import subprocess
import sys

# No filesystem access: files arrive through the file chooser and drag and
# drop portals.  No org.freedesktop.secrets: inside the sandbox libsecret
# keeps secrets in its file backend, unlocked through the Secret portal.
# The one --env points gdk-pixbuf at the loaders cache that lists the
# manifest's own loaders with the runtime's (no sandbox hole).
LOADERS_DIR = "/app/lib/gdk-pixbuf-2.0/2.10.0/loaders"
LOADERS_CACHE = "/app/lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"
EXPECTED_FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--env=GDK_PIXBUF_MODULE_FILE=" + LOADERS_CACHE,
]

# Which gdk-pixbuf loader each promised format has inside the Flatpak: the
# GNOME runtime's gdk-pixbuf builds JPEG, PNG, GIF, BMP, ICO and TIFF (the
# Freedesktop SDK enables libtiff); nothing there reads WebP, so the
# manifest brings webp-pixbuf-loader, as Flathub's GNOME apps do.  The
# promised formats are read from tests/test-formats.c, which checks the
# loaders where the suite runs (in the Flatpak build too).
RUNTIME_LOADERS = {"image/jpeg", "image/png", "image/gif", "image/bmp",
                   "image/x-icon", "image/tiff"}
MODULE_LOADERS = {"image/webp": "webp-pixbuf-loader"}

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

# ---- a loader for every promised format
formats_c = os.path.join(os.path.dirname(os.path.abspath(manifest_path)), "..", "tests", "test-formats.c")
with open(formats_c, encoding="utf-8") as f:
    source = f.read()
block = re.search(r"promised\[\]\s*=\s*\{(.*?)\};", source, re.S)
promised = re.findall(r'"([^"]+)"', block.group(1)) if block else []
check(len(promised) >= 7, "tests/test-formats.c lists the promised formats", promised)
missing = [t for t in promised if t not in RUNTIME_LOADERS and t not in MODULE_LOADERS]
check(not missing, "every promised format has a loader in the runtime or a module", missing)

by_name = {m.get("name"): (i, m) for i, m in enumerate(modules) if isinstance(m, dict)}
for mime, name in sorted(MODULE_LOADERS.items()):
    if mime not in promised:
        continue
    index, module = by_name.get(name, (None, {}))
    check(module != {} and index < len(modules) - 1,
          f"{mime}: the module {name} is built before the app", [m.get("name") for m in modules])
    check(module.get("buildsystem") == "meson" and
          f"-Dgdk_pixbuf_moduledir={LOADERS_DIR}" in module.get("config-opts", []),
          f"{mime}: {name} installs its loader into {LOADERS_DIR}", module.get("config-opts"))
    srcs = module.get("sources", [])
    pinned = (len(srcs) == 1 and srcs[0].get("type") == "git" and
              srcs[0].get("url") == "https://github.com/aruiz/webp-pixbuf-loader.git" and
              bool(srcs[0].get("tag")) and
              re.fullmatch(r"[0-9a-f]{40}", srcs[0].get("commit", "")) is not None)
    check(pinned, f"{mime}: {name} comes from its upstream git, at a tag pinned by commit", srcs)
    post = " ".join(module.get("post-install", []))
    check("gdk-pixbuf-query-loaders" in post and "gdk_pixbuf_moduledir" in post and
          LOADERS_DIR in post and post.rstrip().endswith("> " + LOADERS_CACHE),
          f"{mime}: the loaders cache lists the runtime's loaders and {name}'s", post)

# ---- libportal: the Screenshot portal's client library.  The GNOME SDK
# has it to build against, the Platform that runs the app is not known to
# ship it (Flathub's apps that use it bring it themselves), so a module
# builds it, with the GTK 4 backend DingDrop links (libportal-gtk4).
index, portal = by_name.get("libportal", (None, {}))
check(portal != {} and index < len(modules) - 1,
      "libportal is built before the app", [m.get("name") for m in modules])
opts = portal.get("config-opts", [])
check("-Dbackend-gtk4=enabled" in opts and "-Dintrospection=false" in opts and "-Dvapi=false" in opts,
      "libportal builds its GTK 4 backend (libportal-gtk4), no bindings", opts)
srcs = portal.get("sources", [])
check(len(srcs) == 1 and srcs[0].get("type") == "git" and
      srcs[0].get("url") == "https://github.com/flatpak/libportal.git" and
      bool(srcs[0].get("tag")) and re.fullmatch(r"[0-9a-f]{40}", srcs[0].get("commit", "")) is not None,
      "libportal comes from its upstream git, at a tag pinned by commit", srcs)

env = app_module.get("build-options", {}).get("env", {})
check(env.get("GDK_PIXBUF_MODULE_FILE") == LOADERS_CACHE,
      "the app's tests (test-formats among them) see that cache at build time",
      env.get("GDK_PIXBUF_MODULE_FILE"))

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
