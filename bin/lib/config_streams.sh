# shellcheck shell=bash
# config_stream_specs FILE: "stream:shards" for each job of a Convoy job config (default 2 shards).
# Shared by 'bin/convoy stack up' and the LocalStack init hook (localstack/init/ready.d), so both
# stacks create the same streams. Reads the config with awk: keep its lists in [a, b] form.
config_stream_specs() {
  awk '
    function flush() { if (name != "") print name ":" (shards == "" ? 2 : shards); name = ""; shards = "" }
    /^[[:space:]]*-[[:space:]]/ { flush() }
    /^[[:space:]]*-?[[:space:]]*stream:[[:space:]]*[A-Za-z0-9_.-]+/ { sub(/.*stream:[[:space:]]*/, ""); sub(/[[:space:]#].*/, ""); name = $0 }
    /^[[:space:]]*shards:[[:space:]]*[0-9]+/ { sub(/.*shards:[[:space:]]*/, ""); sub(/[^0-9].*/, ""); shards = $0 }
    END { flush() }
  ' "$1" | sort -u
}
