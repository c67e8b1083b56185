# shellcheck shell=bash
# config_stream_specs FILE: "stream:shards" for each job of a Convoy job config (default 2 shards).
# Only for the LocalStack container's init hook (localstack/init/ready.d), which has no JVM to ask;
# everything else asks 'bin/convoy config streams'. stack_test.sh checks that both agree.
config_stream_specs() {
  awk '
    function flush() { if (name != "") print name ":" (shards == "" ? 2 : shards); name = ""; shards = "" }
    /^[[:space:]]*-[[:space:]]/ { flush() }
    /^[[:space:]]*-?[[:space:]]*stream:[[:space:]]*[A-Za-z0-9_.-]+/ { sub(/.*stream:[[:space:]]*/, ""); sub(/[[:space:]#].*/, ""); name = $0 }
    /^[[:space:]]*shards:[[:space:]]*[0-9]+/ { sub(/.*shards:[[:space:]]*/, ""); sub(/[^0-9].*/, ""); shards = $0 }
    END { flush() }
  ' "$1" | sort -u
}
