#!/bin/sh
# run-fuzzers.sh [SECONDS]: builds DingDrop's libFuzzer targets with clang,
# AddressSanitizer and UBSan, and runs each for SECONDS (default 30).
#
# The build is _build-fuzz at the top of the checkout (FUZZ_BUILD= to put it
# elsewhere), set up with -Dfuzzing=true (tests/fuzz/meson.build).  Each
# target starts from its seed corpus in tests/fuzz/corpus/<target>/ and
# its regressions in tests/fuzz/regressions/<target>/; what it finds on the
# way goes to the build's fuzz/<target>/ (new inputs, never back into the
# source tree), and an input that crashes it to fuzz/<target>/crash-*.
# Prints one line per target, "TARGET: N executions in S s (N/s), M new
# inputs", and exits non-zero if any target crashed, leaked or timed out;
# then copy the input into tests/fuzz/regressions/<target>/ and fix the bug.
#
# Needs the Debian packages clang and libclang-rt-14-dev, which
# build-aux/install-deps.sh installs.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

seconds=${1:-30}
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-"$top/_build-fuzz"}
targets="judge-response webhook-normalize image-header image-strip secret-json"

for tool in clang meson; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is missing (Debian packages clang libclang-rt-14-dev meson)" >&2
    exit 1
  fi
done

if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" -Dfuzzing=true >/dev/null || exit 1
else
  CC=clang meson setup "$build" "$top" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dgui_tests=false -Dbuildtype=debugoptimized >/dev/null || exit 1
fi
set --
for name in $targets; do
  set -- "$@" "tests/fuzz/fuzz-$name"
done
meson compile -C "$build" "$@" >/dev/null || exit 1

# A leak is a finding like a crash; UBSan must stop at its first report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

status=0
for name in $targets; do
  out="$build/fuzz/$name"
  log="$out/fuzz.log"
  mkdir -p "$out/corpus"
  before=$(find "$out/corpus" -type f | wc -l)

  seeds="$top/tests/fuzz/corpus/$name"
  [ -d "$top/tests/fuzz/regressions/$name" ] && seeds="$seeds $top/tests/fuzz/regressions/$name"

  # The words of the format, to mutate with.
  case "$name" in
    image-*) dict="$top/tests/fuzz/image.dict" ;;
    *)       dict="$top/tests/fuzz/$name.dict" ;;
  esac

  # The first folder is the one libFuzzer writes to.  -rss_limit_mb and
  # -timeout: the readers must neither allocate nor loop on any input.
  # shellcheck disable=SC2086 # $seeds is a list of folders
  "$build/tests/fuzz/fuzz-$name" "$out/corpus" $seeds -dict="$dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/" >"$log" 2>&1
  result=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  after=$(find "$out/corpus" -type f | wc -l)
  runs=${runs:-0}
  if [ -n "$secs" ]; then
    rate=$((runs / (secs > 0 ? secs : 1)))
    line="$name: $runs executions in $secs s ($rate/s), $((after - before)) new inputs"
  else
    # stopped by a finding: libFuzzer prints no "Done" line then
    line="$name: $runs executions until it stopped, $((after - before)) new inputs"
  fi

  if [ "$result" -ne 0 ]; then
    status=1
    crash=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
    echo "$line; FAILED (exit $result)${crash:+: $crash}; log: $log"
    grep -m 5 -E 'ERROR:|runtime error|invariant failed|CRITICAL|WARNING' "$log" | sed 's/^/    /'
  else
    echo "$line"
  fi
done

exit "$status"
