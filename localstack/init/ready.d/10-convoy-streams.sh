#!/usr/bin/env bash
# LocalStack init hook (ready.d): creates the streams of conf/jobs.local.yaml, with the same names and
# shard counts as 'bin/convoy stack up' creates on kinesis-local. The compose file mounts the config
# and bin/lib/config_streams.sh (the parser both stacks share) read-only.
set -euo pipefail
# shellcheck source=bin/lib/config_streams.sh
source /opt/convoy/config_streams.sh
for spec in $(config_stream_specs /opt/convoy/jobs.local.yaml); do
  name=${spec%%:*}
  shards=${spec##*:}
  if awslocal kinesis describe-stream-summary --stream-name "$name" >/dev/null 2>&1; then
    echo "convoy: stream $name exists"
  else
    echo "convoy: creating stream $name ($shards shards)"
    awslocal kinesis create-stream --stream-name "$name" --shard-count "$shards"
  fi
done
