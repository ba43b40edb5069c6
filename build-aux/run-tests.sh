#!/bin/sh
# run-tests.sh [--sanitize] [MESON-SETUP-ARGUMENTS...]
#
# Builds DingDrop in _build and runs every test; ends with a line
# "N passed, N failed[, N skipped]" and a non-zero status if any failed.
# Extra arguments go to `meson setup` (e.g. -Dwerror=true).
#
# --sanitize: the same in _build-asan, built with AddressSanitizer and
# UBSan (-Db_sanitize=address,undefined -Db_lundef=false), and run with
# `meson test --setup sanitize` (meson.build says what that does).  Every
# sanitizer report, also one of a process whose exit status no test looks
# at, lands in _build-asan/meson-logs/sanitizer.<pid>: they are printed
# at the end, and any of them fails the run.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build"
setup=""
cd "$top" || exit 1

if [ "${1-}" = --sanitize ]; then
  shift
  build="$top/_build-asan"
  setup="sanitize"
  set -- -Db_sanitize=address,undefined -Db_lundef=false "$@"
fi

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "$@" >/dev/null || exit 1
else
  meson setup "$build" "$@" || exit 1
fi
meson compile -C "$build" || exit 1

if [ -n "$setup" ]; then
  rm -f "$build"/meson-logs/sanitizer.*
  meson test -C "$build" --setup "$setup" --print-errorlogs --num-processes 2
  status=$?
  log="$build/meson-logs/testlog-$setup.json"
else
  meson test -C "$build" --print-errorlogs --num-processes 2
  status=$?
  log="$build/meson-logs/testlog.json"
fi

# Count from meson's own record of this run.
python3 - "$log" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY

if [ -n "$setup" ]; then
  reports=0
  for report in "$build"/meson-logs/sanitizer.*; do
    [ -f "$report" ] || continue
    echo "== $report"
    cat "$report"
    reports=$((reports + 1))
  done
  echo "$reports sanitizer reports"
  [ "$reports" -eq 0 ] || status=1
fi
exit $status
