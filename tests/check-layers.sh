#!/bin/sh
# check-layers.sh SRCDIR: the outbox's files call only downward.  Each
# file of src/core/outbox/ belongs to a layer (by its name); it may
# include the headers of its own layer and of the layers below it, never
# of one above.  The rest of the core (the client, profiles, images)
# sits below the outbox and includes none of it.  TAP output.
#
#   4  dd-outbox*         the façade (model, history, the public API)
#   3  dd-outbox-scheduler*
#   2  dd-outbox-store*, dd-robot-pacer*, dd-media-cache*, dd-job-prepare*
#   1  dd-io-queue*, dd-job*, dd-outbox-source*
set -u
cd "$1" || exit 1

layer () {  # layer FILE-NAME: its layer's number
  case "$1" in
    dd-outbox-scheduler*) echo 3 ;;
    dd-outbox-store*|dd-robot-pacer*|dd-media-cache*|dd-job-prepare*) echo 2 ;;
    dd-io-queue*|dd-job*|dd-outbox-source*) echo 1 ;;
    dd-outbox*) echo 4 ;;
    *) echo 0 ;;
  esac
}

n=0
failed=0
bad=""
for file in src/core/outbox/*.c src/core/outbox/*.h; do
  own=$(layer "$(basename "$file")")
  for header in $(sed -n 's/^#include "\(dd-[^"]*\.h\)"/\1/p' "$file"); do
    [ -f "src/core/outbox/$header" ] || continue   # below the outbox
    theirs=$(layer "$header")
    if [ "$theirs" -gt "$own" ]; then
      bad="$bad
# $file (layer $own) includes $header (layer $theirs)"
    fi
  done
done
n=$((n + 1))
if [ -z "$bad" ]; then
  echo "ok $n - no outbox file includes a layer above its own"
else
  failed=1
  echo "not ok $n - outbox files include a layer above their own$bad"
fi

below=$(grep -l '#include "dd-\(outbox\|job\|io-queue\|robot-pacer\|media-cache\)' src/core/*.c src/core/*.h 2>/dev/null)
n=$((n + 1))
if [ -z "$below" ]; then
  echo "ok $n - the core beneath the outbox includes none of it"
else
  failed=1
  echo "not ok $n - these core files include the outbox:"
  for f in $below; do echo "# $f"; done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
