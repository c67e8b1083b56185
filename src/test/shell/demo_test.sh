#!/usr/bin/env bash
# make demo's path works end to end on the running stack and ends with the exactness check.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
out=$("$ROOT/bin/convoy" demo 2>&1) || { echo "$out" | tail -30; echo "demo_test: FAIL: bin/convoy demo exited non-zero" >&2; exit 1; }
grep -q '^demo: exact' <<<"$out" || { echo "$out" | tail -30; echo "demo_test: FAIL: no exactness line" >&2; exit 1; }
grep -q 'emails_clicked_hourly' <<<"$out" || { echo "demo_test: FAIL: no buckets printed" >&2; exit 1; }
echo "demo_test: ok"
