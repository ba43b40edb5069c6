#!/bin/sh
# check-translations.sh SRCDIR: every language in po/LINGUAS is complete.
#   - its .po passes `msgfmt --check` (headers, plural forms, format strings
#     that match their msgid) and `msgfmt --statistics` counts no fuzzy and
#     no untranslated message;
#   - it is complete for the strings in the sources as they are now: the
#     messages that xgettext extracts today (with meson's glib preset) are
#     merged into a copy of the .po, which must still have no fuzzy and no
#     untranslated message.  A string added to the code without being
#     translated fails here, by name.
# TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cd "$1" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
status=0

ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; status=1; fi
}

# "msgfmt --statistics" prints e.g. "151 translated messages, 2 fuzzy
# translations, 1 untranslated message." to standard error.
complete () {
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$1" 2>&1)
  rc=$?
  printf '%s\n' "$stats" | sed 's/^/# /'
  [ $rc -eq 0 ] || return 1
  last=$(printf '%s\n' "$stats" | tail -n 1)
  translated=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) translated message.*/\1/p')
  [ -n "$translated" ] && [ "$translated" -gt 0 ] || return 1
  case "$last" in
    *fuzzy*|*untranslated*) return 1 ;;
  esac
  return 0
}

LC_ALL=C xgettext --package-name=dingdrop --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  -D . -f po/POTFILES.in -o "$tmp/current.pot" 2>"$tmp/xgettext.err"
ok $? "xgettext extracts the strings of every file in po/POTFILES.in"
sed 's/^/# /' "$tmp/xgettext.err"

for lang in $(grep -v '^#' po/LINGUAS); do
  po="po/$lang.po"
  if [ ! -f "$po" ]; then
    ok 1 "$po exists"
    continue
  fi

  complete "$po"
  ok $? "$po: msgfmt --check passes, no fuzzy or untranslated message"

  grep -q '^"Plural-Forms: nplurals=[0-9]*; plural=' "$po"
  ok $? "$po has a Plural-Forms header"

  LC_ALL=C msgmerge --quiet --no-wrap -o "$tmp/$lang.po" "$po" "$tmp/current.pot" 2>/dev/null &&
    complete "$tmp/$lang.po"
  result=$?
  if [ $result -ne 0 ]; then
    # name the messages that need a translator
    LC_ALL=C msgattrib --no-wrap --only-fuzzy "$tmp/$lang.po" 2>/dev/null |
      sed -n 's/^msgid "\(..*\)"$/#   fuzzy: \1/p'
    LC_ALL=C msgattrib --no-wrap --untranslated "$tmp/$lang.po" 2>/dev/null |
      sed -n 's/^msgid "\(..*\)"$/#   untranslated: \1/p'
  fi
  ok $result "$po translates every string in the sources as they are now"
done

echo "1..$n"
exit $status
