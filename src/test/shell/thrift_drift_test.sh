#!/usr/bin/env bash
# The committed src/generated/java must be exactly what the pinned compiler makes of src/main/thrift.
set -euo pipefail
CONVOY_ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
export CONVOY_ROOT
# shellcheck source=bin/lib/install.sh
source "$CONVOY_ROOT/bin/lib/install.sh"
# shellcheck source=bin/lib/thrift.sh
source "$CONVOY_ROOT/bin/lib/thrift.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
thrift_generate "$out"
if ! diff -r "$out" "$CONVOY_ROOT/src/generated/java"; then
  echo "thrift_drift_test: src/generated/java is out of date with src/main/thrift: run 'bin/convoy thrift' and commit the result" >&2
  exit 1
fi
echo "thrift_drift_test: ok (generated sources match the IDL, thrift $THRIFT_VERSION)"
