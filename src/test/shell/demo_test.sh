#!/usr/bin/env bash
# make demo's path works end to end on the running stack, ends with the exactness check and prints
# no error, stack trace or JVM warning on its way, the stop included.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
out=$("$ROOT/bin/convoy" demo 2>&1) || { echo "$out" | tail -30; echo "demo_test: FAIL: bin/convoy demo exited non-zero" >&2; exit 1; }
grep -q '^demo: exact' <<<"$out" || { echo "$out" | tail -30; echo "demo_test: FAIL: no exactness line" >&2; exit 1; }
grep -q 'emails_clicked_hourly' <<<"$out" || { echo "demo_test: FAIL: no buckets printed" >&2; exit 1; }
# A clean run looks clean: no ERROR line, no stack trace, no JVM warning from start to the stop.
if grep -nE ' ERROR |Exception|^[[:space:]]+at [a-z]|^WARNING: ' <<<"$out" >&2; then
  echo "demo_test: FAIL: the demo printed the errors or warnings above" >&2; exit 1
fi
echo "demo_test: ok"
