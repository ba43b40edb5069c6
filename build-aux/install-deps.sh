#!/bin/sh
# Installs the Debian 12 packages that DingDrop needs to build, run and test.
# Run it as root, or as a user who may use sudo.
set -eu

packages="
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libgdk-pixbuf-2.0-dev libgtk-4-dev libadwaita-1-dev
  libpango1.0-dev libcairo2-dev
  libportal-dev libportal-gtk4-dev python3-gi
  desktop-file-utils appstream
  gnome-keyring dbus-daemon dbus-x11 libsecret-tools
  xvfb xauth xdotool xclip imagemagick fonts-noto-cjk xcompmgr
  webp-pixbuf-loader
  librsvg2-bin libgtk-4-bin flatpak-builder python3
  clang libclang-rt-14-dev llvm
"

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
else
  as_root="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
$as_root apt-get install -y -q $packages
