#!/bin/sh
# check-potfiles.sh SRCDIR: fails when a file with translatable strings is
# missing from po/POTFILES.in, or when POTFILES.in names a file that does
# not exist.  TAP output.
#
# Translatable strings are found by what marks them in each kind of file:
#   C sources and headers   _(), N_(), C_(), NC_(), Q_(), ngettext() and the
#                           g_d*gettext() family
#   GtkBuilder .ui files    translatable="yes"
#   desktop files (.desktop.in), metainfo (.metainfo.xml.in) and GSettings
#   schemas (.gschema.xml)  nothing: xgettext knows which of their fields to
#                           extract (Name, Comment, <summary>, <p>, …), so
#                           every one of them under data/ must be listed.
set -u
cd "$1" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' po/POTFILES.in | sed 's/[[:space:]]*$//; /^$/d' | sort -u > "$tmp/listed"

{
  grep -rlE --include='*.c' --include='*.h' \
    '(^|[^A-Za-z0-9_])(N?C?_|Q_|g_d?n?p?gettext2?|d?n?gettext)[[:space:]]*\(' src data 2>/dev/null
  grep -rl --include='*.ui' 'translatable="yes"' src data 2>/dev/null
  find data -name '*.desktop.in' -o -name '*.metainfo.xml.in' -o -name '*.gschema.xml' 2>/dev/null
} | sed 's|^\./||' | sort -u > "$tmp/found"

status=0
missing=$(comm -23 "$tmp/found" "$tmp/listed")
if [ -z "$missing" ]; then
  echo "ok 1 - every file with translatable strings is in po/POTFILES.in"
else
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in:"
  printf '#   %s\n' $missing
  status=1
fi

gone=""
while read -r f; do [ -f "$f" ] || gone="$gone $f"; done < "$tmp/listed"
if [ -z "$gone" ]; then
  echo "ok 2 - every file in po/POTFILES.in exists"
else
  echo "not ok 2 - po/POTFILES.in names files that do not exist:$gone"
  status=1
fi

echo "1..2"
exit $status
