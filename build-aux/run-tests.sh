#!/bin/sh
# Builds DingDrop in _build and runs every test; ends with a line
# "N passed, N failed[, N skipped]" and a non-zero status if any failed.
# Extra arguments go to `meson setup` (e.g. -Dwerror=true).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build"
cd "$top" || exit 1

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "$@" >/dev/null || exit 1
else
  meson setup "$build" "$@" || exit 1
fi
meson compile -C "$build" || exit 1

meson test -C "$build" --print-errorlogs --num-processes 2
status=$?

# Count from meson's own record of this run.
python3 - "$build/meson-logs/testlog.json" <<'PY'
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
exit $status
