#!/usr/bin/env bash
# The stack's lifecycle on its own ports and folder, so the stack `make test` uses is left alone:
# up twice is harmless, a config of 20 streams comes up, status names the part that is down, a
# PostgreSQL killed outright comes back without a warning, down leaves nothing running.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
CONVOY_STACK_DIR=$(mktemp -d /tmp/convoy-stack-test.XXXXXX)
chmod 755 "$CONVOY_STACK_DIR"
export CONVOY_STACK_DIR CONVOY_KINESIS_PORT=24568 CONVOY_KINESIS_TLS_PORT=24567 CONVOY_PG_PORT=25432 CONVOY_REDSHIFT_PORT=26432
CONVOY_STACK_CONFIG=$CONVOY_STACK_DIR/jobs.yaml
export CONVOY_STACK_CONFIG
cat > "$CONVOY_STACK_CONFIG" <<'YAML'
jobs:
  - name: a
    stream: lifecycle-a
    shards: 3
  - name: b
    stream: lifecycle-b
YAML
# 18 more: Kinesis creates at most 5 streams at a time, so `stack up` must wait and go on.
for i in $(seq 1 18); do printf '  - name: j%s\n    stream: lifecycle-%s\n    shards: 1\n' "$i" "$i" >>"$CONVOY_STACK_CONFIG"; done

fail() { echo "stack_test: FAIL: $*" >&2; exit 1; }

# The LocalStack container's hook reads streams with awk (no JVM there); it must agree with the driver's
# own reading, which 'stack up' uses, on this config and on the committed local one.
# shellcheck source=bin/lib/config_streams.sh
source "$ROOT/bin/lib/config_streams.sh"
for config in "$CONVOY_STACK_CONFIG" "$ROOT/conf/jobs.local.yaml"; do
  java_specs=$("$ROOT/bin/convoy" config streams --config "$config") || fail "bin/convoy config streams --config $config"
  [[ $java_specs == "$(config_stream_specs "$config" | LC_ALL=C sort)" ]] || fail "the container hook and bin/convoy read $config differently"
done
cleanup() { "$ROOT/bin/convoy" stack down >/dev/null 2>&1 || true; rm -rf "$CONVOY_STACK_DIR"; }
trap cleanup EXIT

"$ROOT/bin/convoy" stack up || fail "first stack up"
second=$("$ROOT/bin/convoy" stack up 2>&1) || fail "second stack up: $second"
grep -q "kinesis-local already up" <<<"$second" || fail "second up restarted kinesis-local: $second"
grep -q "PostgreSQL already up" <<<"$second" || fail "second up restarted PostgreSQL: $second"
grep -q "PgBouncer already up" <<<"$second" || fail "second up restarted PgBouncer: $second"

status=$("$ROOT/bin/convoy" stack status) || fail "status after up: $status"
grep -q "lifecycle-a" <<<"$status" || fail "config stream lifecycle-a missing: $status"
grep -q "lifecycle-b" <<<"$status" || fail "config stream lifecycle-b missing: $status"
active=$(for i in a b $(seq 1 18); do
  curl -s --aws-sigv4 "aws:amz:us-east-1:kinesis" --user x:y -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: Kinesis_20131202.DescribeStreamSummary' -d "{\"StreamName\":\"lifecycle-$i\"}" "http://127.0.0.1:$CONVOY_KINESIS_PORT/"
done | grep -Eo '"StreamStatus" *: *"ACTIVE"' | wc -l)
[[ $active -eq 20 ]] || fail "$active of the config's 20 streams are active after stack up"
shards=$(curl -s --aws-sigv4 "aws:amz:us-east-1:kinesis" --user x:y -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: Kinesis_20131202.ListShards' -d '{"StreamName":"lifecycle-a"}' "http://127.0.0.1:$CONVOY_KINESIS_PORT/" \
  | grep -o '"ShardId"' | wc -l)
[[ $shards -eq 3 ]] || fail "lifecycle-a has $shards shards, config says 3"

# One part down: status names it and fails.
kill "$(cat "$CONVOY_STACK_DIR/pgbouncer/pgbouncer.pid")"
for _ in $(seq 1 40); do "$ROOT/bin/convoy" stack status >/dev/null 2>&1 || break; sleep 0.25; done
if status=$("$ROOT/bin/convoy" stack status 2>&1); then fail "status passed with PgBouncer down"; fi
grep -q "pgbouncer  DOWN" <<<"$status" || fail "status does not name PgBouncer: $status"
grep -q "kinesis    up" <<<"$status" || fail "status lost kinesis: $status"
"$ROOT/bin/convoy" stack up >/dev/null 2>&1 || fail "stack up did not bring PgBouncer back"
"$ROOT/bin/convoy" stack status >/dev/null || fail "status after repair"

# PostgreSQL killed outright, as when the machine stops, leaves its pid file: up starts it again, quietly.
pgpid=$(head -n 1 "$CONVOY_STACK_DIR/pg/data/postmaster.pid")
kill -9 "$pgpid"
for _ in $(seq 1 40); do [[ -d /proc/$pgpid ]] || break; sleep 0.25; done
[[ -f $CONVOY_STACK_DIR/pg/data/postmaster.pid ]] || fail "no pid file left behind to test with"
again=$("$ROOT/bin/convoy" stack up 2>&1) || fail "stack up after PostgreSQL was killed: $again"
if grep -q "another server might be running" <<<"$again"; then fail "stack up warned about the stale pid file: $again"; fi
"$ROOT/bin/convoy" stack status >/dev/null || fail "status after PostgreSQL came back"

"$ROOT/bin/convoy" stack down || fail "stack down"
for pidfile in "$CONVOY_STACK_DIR"/kinesis/kinesis.pid "$CONVOY_STACK_DIR"/pgbouncer/pgbouncer.pid "$CONVOY_STACK_DIR"/pg/data/postmaster.pid; do
  [[ -s $pidfile ]] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null && fail "still running after down: $pidfile"
done
if pgrep -f "$CONVOY_STACK_DIR" >/dev/null; then fail "processes of $CONVOY_STACK_DIR still running: $(pgrep -af "$CONVOY_STACK_DIR")"; fi
for port in $CONVOY_KINESIS_PORT $CONVOY_PG_PORT $CONVOY_REDSHIFT_PORT; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port still open after down"
done
if "$ROOT/bin/convoy" stack status >/dev/null 2>&1; then fail "status passed with the stack down"; fi
echo "stack_test: ok"
