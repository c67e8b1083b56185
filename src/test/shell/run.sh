#!/usr/bin/env bash
# Shell checks for make test: shellcheck on every script, then each *_test.sh here.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT" || exit 1

# shellcheck source=bin/lib/install.sh
source "$ROOT/bin/lib/install.sh"
command -v shellcheck >/dev/null || convoy_apt_install shellcheck || true
command -v shellcheck >/dev/null || { echo "shellcheck is missing: apt-get install shellcheck" >&2; exit 1; }

passed=0 failed=0
scripts=(bin/convoy .ci/run)
while IFS= read -r f; do scripts+=("$f"); done < <(find bin/lib bootstrap-actions localstack src/test/shell -name '*.sh' 2>/dev/null | sort)
if shellcheck -x -P SCRIPTDIR -P "$ROOT" "${scripts[@]}"; then
  echo "PASS shellcheck (${#scripts[@]} scripts)"; passed=$((passed + 1))
else
  echo "FAIL shellcheck"; failed=$((failed + 1))
fi

for t in src/test/shell/*_test.sh; do
  echo "== $t"
  if bash "$t"; then echo "PASS $t"; passed=$((passed + 1)); else echo "FAIL $t"; failed=$((failed + 1)); fi
done
echo "shell: $passed passed, $failed failed"
(( failed == 0 ))
