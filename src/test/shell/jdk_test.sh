#!/usr/bin/env bash
# JDK discovery: a JAVA_HOME older than 21 is never used; one that is >= 21 is kept; its JVM flags draw no warning.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
fail() { echo "jdk_test: FAIL: $*" >&2; exit 1; }

found=$(JAVA_HOME="" bash -c "source '$ROOT/bin/lib/jdk.sh'; convoy_find_jdk && echo \$JAVA_HOME") || fail "no JDK >= 21 found with JAVA_HOME unset"
v=$(convoy_jdk_version "$found") || fail "cannot read the version of $found"
(( v >= 21 )) || fail "picked $found, version $v"

for home in /usr/lib/jvm/*; do
  [[ -d $home && ! -L $home ]] || continue
  hv=$(convoy_jdk_version "$home") || continue
  picked=$(JAVA_HOME=$home bash -c "source '$ROOT/bin/lib/jdk.sh'; convoy_find_jdk && echo \$JAVA_HOME") || fail "JAVA_HOME=$home made discovery fail"
  if (( hv < 21 )); then
    [[ $picked != "$home" ]] || fail "JAVA_HOME=$home (version $hv) was used"
  else
    [[ $picked == "$home" ]] || fail "JAVA_HOME=$home (version $hv) was replaced by $picked"
  fi
done
[[ $("$ROOT/bin/convoy" java-home) == "$found" ]] || fail "bin/convoy java-home disagrees"

# A Java command prints no JVM warning about the flags Spark needs: only those this JDK accepts are passed.
out=$("$ROOT/bin/convoy" jobs --url http://127.0.0.1:9 2>&1 || true)
! grep -q "WARNING: package" <<<"$out" || fail "a JVM flag warning on a plain command: $out"
# The driver's JVM runs the collector conf/jvm.properties names, unless CONVOY_JAVA_OPTS names another
# (then that one alone: a JVM given two does not start).
gc=$(grep '^convoy.jvm.driver.gc=' "$ROOT/conf/jvm.properties" | cut -d= -f2-)
[[ -n $gc ]] || fail "conf/jvm.properties names no driver collector"
flags=$(CONVOY_JAVA_OPTS=-XX:+PrintCommandLineFlags "$ROOT/bin/convoy" jobs --help 2>&1) || fail "bin/convoy jobs --help failed: $flags"
grep -q -- "$gc" <<<"$flags" || fail "the driver's JVM did not get $gc: $flags"
flags=$(CONVOY_JAVA_OPTS="-XX:+UseSerialGC -XX:+PrintCommandLineFlags" "$ROOT/bin/convoy" jobs --help 2>&1) || fail "a collector in CONVOY_JAVA_OPTS stopped the JVM: $flags"
grep -q -- "-XX:+UseSerialGC" <<<"$flags" || fail "CONVOY_JAVA_OPTS' collector was not used: $flags"
! grep -q -- "$gc" <<<"$flags" || fail "the driver got $gc besides CONVOY_JAVA_OPTS' collector: $flags"
echo "jdk_test: ok (picked $found, Java $v)"
