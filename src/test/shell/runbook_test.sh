#!/usr/bin/env bash
# The runbook's commands against a live local driver: bin/convoy jobs, stop, start, restart, apply (add,
# change, refuse, remove a job), the status page, the health and metrics endpoints, and a SIGTERM stop
# with exit code 0. Uses the running local stack (make test starts it).
set -euo pipefail
# Pipes into grep use `grep PATTERN >/dev/null`, not `grep -q`: -q stops reading at the first match,
# and under pipefail the writer's SIGPIPE on a long output (many tables in the stand-in) fails the line.
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
fail() { echo "runbook_test: FAIL: $*" >&2; [[ -f ${log:-} ]] && tail -30 "$log" >&2; exit 1; }
work=$(mktemp -d)
log=$work/driver.log
driver=""
cleanup() { [[ -n $driver ]] && kill -9 "$driver" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

eval "$(bin/convoy stack env)"
export CONVOY_STATE_DIR=$work/state
run_id=$$
cat >"$work/jobs.yaml" <<YAML
checkpointRoot: $work/checkpoints
kinesis: { region: us-east-1, endpointUrl: "\${CONVOY_KINESIS_ENDPOINT}", startingPosition: TRIM_HORIZON }
redshift: { url: "\${CONVOY_REDSHIFT_URL}" }
spark: { spark.master: "local[2]", spark.ui.enabled: "false" }
control: { port: 0, stateDir: $work/state }
jobs:
  - name: rb-sent
    stream: convoy-email-sent
    eventType: sent
    source: builtin
    table: runbook_${run_id}_sent
    trigger: 1s
  - name: rb-clicked
    stream: convoy-email-clicked
    eventType: clicked
    source: builtin
    table: runbook_${run_id}_clicked
    trigger: 1s
YAML

bin/convoy run --config "$work/jobs.yaml" --status-every 10s >"$log" 2>&1 &
driver=$!

# Polls a command until its output matches, with a deadline (no fixed sleeps).
await_output() {
  local pattern=$1 deadline=$((SECONDS + 120)) out=""; shift
  while ((SECONDS < deadline)); do
    out=$("$@" 2>&1 || true)
    if grep -qE -- "$pattern" <<<"$out"; then printf '%s\n' "$out"; return 0; fi
    kill -0 "$driver" 2>/dev/null || fail "the driver exited"
    sleep 1
  done
  fail "'$*' never printed /$pattern/; last output: $out"
}

await_output '^rb-clicked +RUNNING' bin/convoy jobs >/dev/null
await_output '^rb-sent +RUNNING' bin/convoy jobs >/dev/null
url=$(cat "$work/state/control.url")
curl -fsS "$url/health" | grep '"ok"' >/dev/null || fail "/health is not ok"
# The runbook's metrics, without a token: each job's state, and the driver's JVM.
metrics=$(curl -fsS "$url/metrics") || fail "/metrics did not answer"
grep -qE '^convoy_job_state\{job="rb-sent",state="RUNNING"\} 1(\.0)?$' <<<"$metrics" || fail "/metrics lacks rb-sent RUNNING: $(grep rb-sent <<<"$metrics" | head -5)"
grep -q '^jvm_memory_used_bytes' <<<"$metrics" || fail "/metrics lacks the JVM's heap"

out=$(bin/convoy stop rb-clicked) || fail "stop failed: $out"
grep -qE '^rb-clicked +STOPPED' <<<"$out" || fail "stop did not report STOPPED: $out"
await_output '^rb-clicked +STOPPED' bin/convoy jobs >/dev/null
out=$(bin/convoy start rb-clicked) || fail "start failed: $out"
await_output '^rb-clicked +RUNNING' bin/convoy jobs >/dev/null
out=$(bin/convoy restart rb-sent) || fail "restart failed: $out"
await_output '^rb-sent +RUNNING' bin/convoy jobs >/dev/null

# The status page, from the driver itself, with its scripts on the same origin only.
page=$(curl -fsS -D "$work/page.headers" "$url/") || fail "the status page did not answer"
grep -q '<title>Convoy</title>' <<<"$page" || fail "/ is not the status page"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$work/page.headers" || fail "the page has no CSP"
curl -fsS "$url/page/status.js" | grep 'textContent' >/dev/null || fail "the page's script is missing"

# Add a job (runbook "Add a job"): the plan first, then the change; the others keep running.
cp "$work/jobs.yaml" "$work/jobs-add.yaml" # maxConcurrentJobs defaults to the number of jobs: 3 after this
cat >>"$work/jobs-add.yaml" <<YAML
  - name: rb-opened
    stream: convoy-email-opened
    eventType: opened
    source: builtin
    table: runbook_${run_id}_opened
    trigger: 1s
YAML
out=$(bin/convoy apply --config "$work/jobs-add.yaml" --dry-run) || fail "apply --dry-run failed: $out"
grep -qE '^ +\+ add +rb-opened' <<<"$out" || fail "the dry run does not plan to add rb-opened: $out"
grep -qE '^ +keep +rb-sent' <<<"$out" || fail "the dry run does not keep rb-sent: $out"
grep -q 'dry run: nothing was changed' <<<"$out" || fail "the dry run does not say it changed nothing: $out"
if bin/convoy jobs | grep '^rb-opened ' >/dev/null; then fail "a dry run added the job"; fi
out=$(bin/convoy apply --config "$work/jobs-add.yaml") || fail "apply (add) failed: $out"
grep -q '^applied' <<<"$out" || fail "apply did not say applied: $out"
await_output '^rb-opened +RUNNING' bin/convoy jobs >/dev/null
cmp -s "$work/jobs-add.yaml" "$work/state/config.yaml" || fail "the driver did not keep the applied config"

# Change a job (runbook "Change a job"): a safe change restarts it alone; a stream change is refused.
sed -e '/name: rb-sent/,/trigger:/ s/trigger: 1s/trigger: 2s/' "$work/jobs-add.yaml" >"$work/jobs-change.yaml"
out=$(bin/convoy apply --config "$work/jobs-change.yaml") || fail "apply (change) failed: $out"
grep -qE '~ restart +rb-sent' <<<"$out" || fail "the change does not restart rb-sent: $out"
grep -q 'trigger: 1s -> 2s' <<<"$out" || fail "the change does not name the trigger: $out"
await_output '^rb-sent +RUNNING' bin/convoy jobs >/dev/null
sed -e 's/stream: convoy-email-sent/stream: convoy-email-bounced/' "$work/jobs-change.yaml" >"$work/jobs-refused.yaml"
rc=0
out=$(bin/convoy apply --config "$work/jobs-refused.yaml" 2>&1) || rc=$?
[[ $rc -eq 1 ]] || fail "a refused change exited $rc, not 1: $out"
grep -q "refused: job 'rb-sent' field 'stream'" <<<"$out" || fail "the refusal does not name the field: $out"
grep -q 'nothing was applied' <<<"$out" || fail "the refusal does not say nothing was applied: $out"
await_output '^rb-opened +RUNNING' bin/convoy jobs >/dev/null

# Remove a job (runbook "Remove a job"): it stops and leaves the list; its table stays.
sed -e '/- name: rb-opened/,$d' "$work/jobs-change.yaml" >"$work/jobs-remove.yaml"
out=$(bin/convoy apply --config "$work/jobs-remove.yaml" --dry-run) || fail "apply --dry-run (remove) failed: $out"
grep -qE -- '- remove +rb-opened +stops; its checkpoint .* are kept' <<<"$out" || fail "the plan does not remove rb-opened: $out"
bin/convoy apply --config "$work/jobs-remove.yaml" >/dev/null || fail "apply (remove) failed"
if bin/convoy jobs | grep '^rb-opened ' >/dev/null; then fail "rb-opened is still listed after its removal"; fi
if curl -fsS "$url/metrics" | grep 'job="rb-opened"' >/dev/null; then fail "/metrics still has rb-opened"; fi

# a change without the token is refused; an unknown job is named
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/jobs/rb-sent/stop")
[[ $code == 401 ]] || fail "POST without a token answered $code, not 401"
if out=$(bin/convoy stop no-such-job 2>&1); then fail "stopping an unknown job succeeded"; fi
grep -q "no job named 'no-such-job'" <<<"$out" || fail "unknown job not named: $out"

# The runbook's SQL, against the stand-in (the same statements on Redshift), once a batch is in.
bin/convoy produce --stream sent=convoy-email-sent --mix sent=1 --count 40 --quiet >/dev/null || fail "produce failed"
psql_bin=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
sql() { PGPASSWORD=$CONVOY_REDSHIFT_PASSWORD "$psql_bin" -h 127.0.0.1 -p "${CONVOY_PG_PORT:-15432}" -U "$CONVOY_REDSHIFT_USER" -d convoy -Atc "$1"; }
ledger=runbook_${run_id}_sent_convoy_batches
dead=runbook_${run_id}_sent_convoy_dead_letters
await_output '.' sql "SELECT MAX(batch_id) FROM $ledger;" >/dev/null
sql "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name LIKE '%\_convoy\_batches' ORDER BY 1, 2;" | grep "|$ledger\$" >/dev/null || fail "ledger listing query"
sql "SELECT job, MAX(batch_id), MAX(committed_at), SUM(dead_letters) FROM $ledger GROUP BY job;" | grep '^rb-sent|' >/dev/null || fail "ledger query"
sql "SELECT COUNT(*) FROM $dead WHERE payload_part = 0;" >/dev/null || fail "dead-letter query"
sql "SELECT error, COUNT(*) FROM $dead WHERE payload_part = 0 GROUP BY error;" >/dev/null || fail "dead-letter errors query"
dupes=$(sql "SELECT batch_id, COUNT(*) FROM $ledger GROUP BY batch_id HAVING COUNT(*) > 1;")
[[ -z $dupes ]] || fail "a batch is twice in the ledger: $dupes"
curl -fsS "$url/jobs/rb-sent" | grep '"name" : "rb-sent"' >/dev/null || fail "GET /jobs/rb-sent"

kill -TERM "$driver"
rc=0
wait "$driver" || rc=$?
driver=""
[[ $rc -eq 0 ]] || fail "the driver exited with $rc after SIGTERM, not 0"
if out=$(bin/convoy jobs 2>&1); then fail "jobs succeeded with no driver"; fi
grep -q "bin/convoy run" <<<"$out" || fail "no hint when no driver runs: $out"
echo "runbook_test: ok"
