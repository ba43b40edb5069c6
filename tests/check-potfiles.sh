#!/bin/sh
# check-potfiles.sh SRCDIR: fails when a source file with translatable
# strings is missing from po/POTFILES.in, or when POTFILES.in names a file
# that does not exist.  TAP output.
set -u
cd "$1" || exit 1

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
found=$(grep -rlE '(^|[^A-Za-z0-9_])N?_\(|translatable="yes"' src data 2>/dev/null |
        grep -E '\.(c|ui|in)$' | sort)

status=0
missing=$(printf '%s\n' "$found" | comm -23 - "$(printf '%s\n' "$listed" > potfiles.tmp.$$ && echo potfiles.tmp.$$)")
rm -f potfiles.tmp.$$
if [ -z "$missing" ]; then
  echo "ok 1 - every file with translatable strings is in po/POTFILES.in"
else
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in:"
  printf '#   %s\n' $missing
  status=1
fi

gone=""
for f in $listed; do [ -f "$f" ] || gone="$gone $f"; done
if [ -z "$gone" ]; then
  echo "ok 2 - every file in po/POTFILES.in exists"
else
  echo "not ok 2 - po/POTFILES.in names files that do not exist:$gone"
  status=1
fi

echo "1..2"
exit $status
