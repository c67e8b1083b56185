# shellcheck shell=bash
# Runs Convoy's Java entry points locally: builds when sources changed, keeps the runtime classpath
# (Spark included: it is 'provided' for EMR, but a local run needs it) in target/classpath.txt.

convoy_build_if_stale() {
  local stamp=$CONVOY_ROOT/target/.convoy-built
  if [[ -f $stamp && -f $CONVOY_ROOT/target/classpath.txt ]] \
     && [[ -z $(find "$CONVOY_ROOT/src/main" "$CONVOY_ROOT/src/generated" "$CONVOY_ROOT/pom.xml" -newer "$stamp" -print -quit) ]]; then
    return 0
  fi
  echo "convoy: building (sources changed)" >&2
  convoy_mvn_quiet compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile || return 1
  touch "$stamp"
}

# convoy_mvn_quiet <goals and flags>: a quiet build without tests, its output on stderr, and what to
# do if it fails. Maven's console library prints colour resets even in batch mode; they only clutter.
convoy_mvn_quiet() {
  (set -o pipefail; cd "$CONVOY_ROOT" && convoy_mvn -q -DskipTests "$@" 2>&1 | sed -u $'s/\e\\[0m//g' >&2) \
    || { echo "convoy: the build failed; run 'make build' to see why" >&2; return 1; }
}

# The JVM flags Spark needs, from their one copy in conf/jvm.properties, less the --add-opens of
# packages the running JDK no longer has (JDK 24 dropped sun.security.action): the JVM would print a
# warning for each on every command. The JDK's package list is cached per JDK under target/.
convoy_jvm_opts() {
  local all packages cache flag pkg out=()
  all=$(grep '^convoy.jvm.options=' "$CONVOY_ROOT/conf/jvm.properties" | cut -d= -f2-)
  cache="$CONVOY_ROOT/target/.java-base-packages-$(printf '%s' "$JAVA_HOME" | cksum | cut -d' ' -f1)"
  if [[ ! -s $cache ]]; then
    mkdir -p "$CONVOY_ROOT/target"
    "$JAVA_HOME/bin/java" --describe-module java.base 2>/dev/null | awk '$1 == "exports" || $1 == "contains" {print $2} $1 == "qualified" {print $3}' >"$cache.tmp" \
      && mv "$cache.tmp" "$cache"
  fi
  packages=$(cat "$cache" 2>/dev/null || true)
  # JDK 23+ warns when a library (Spark's Netty, Maven's Guava) uses sun.misc.Unsafe's memory access; allow it quietly.
  if (( ${CONVOY_JAVA_FEATURE:-0} >= 23 )); then out+=(--sun-misc-unsafe-memory-access=allow); fi
  for flag in $all; do
    if [[ $flag == --add-opens=java.base/* && -n $packages ]]; then
      pkg=${flag#--add-opens=java.base/}
      pkg=${pkg%%=*}
      grep -qxF "$pkg" <<<"$packages" || continue
    fi
    out+=("$flag")
  done
  printf '%s\n' "${out[*]}"
}

# The driver's collector from conf/jvm.properties, unless CONVOY_JAVA_OPTS names one: a JVM given two
# collectors does not start.
convoy_gc_opts() {
  [[ ${CONVOY_JAVA_OPTS:-} =~ -XX:\+Use[A-Za-z]+GC ]] && return 0
  grep '^convoy.jvm.driver.gc=' "$CONVOY_ROOT/conf/jvm.properties" | cut -d= -f2-
}

# convoy_java <main class> [args...]
convoy_java() {
  local main=$1; shift
  convoy_find_jdk || return 1
  convoy_build_if_stale || return 1
  local opts
  opts="$(convoy_jvm_opts) $(convoy_gc_opts)"
  # exec: signals (SIGTERM to stop the driver) reach the JVM, not this shell.
  # shellcheck disable=SC2086 # the JVM options are a space-separated list by design
  exec "$JAVA_HOME/bin/java" $opts -Dlog4j2.configurationFile="$CONVOY_ROOT/conf/log4j2.properties" ${CONVOY_JAVA_OPTS:-} -cp "$CONVOY_ROOT/target/classes:$(cat "$CONVOY_ROOT/target/classpath.txt")" "$main" "$@"
}

# convoy_bench <JMH benchmark regex> [JMH args...]: runs JMH benchmarks from the test classes;
# convoy_bench --main <class> [args...]: runs a benchmark harness's main class instead.
convoy_bench() {
  convoy_find_jdk || return 1
  convoy_mvn_quiet test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test || return 1
  local opts
  opts=$(convoy_jvm_opts)
  local main=org.openjdk.jmh.Main
  if [[ ${1:-} == --main ]]; then main=$2; shift 2; fi
  # shellcheck disable=SC2086 # the JVM options are a space-separated list by design
  "$JAVA_HOME/bin/java" $opts -Dlog4j2.configurationFile="$CONVOY_ROOT/conf/log4j2.properties" -cp "$CONVOY_ROOT/target/test-classes:$CONVOY_ROOT/target/classes:$(cat "$CONVOY_ROOT/target/test-classpath.txt")" \
    "$main" "$@"
}
