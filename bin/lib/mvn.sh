# shellcheck shell=bash
# Runs Maven with a JDK >= 21 (bin/lib/jdk.sh), installing Maven where the OS offers it.

convoy_mvn() {
  convoy_find_jdk || return 1
  if ! command -v mvn >/dev/null; then
    convoy_apt_install maven || true
    command -v mvn >/dev/null || { echo "convoy: Maven 3.8+ is missing; install it (apt-get install maven) and run again" >&2; return 1; }
  fi
  # JDK 23+ warns on every build that Maven's own Guava uses sun.misc.Unsafe; allow it quietly.
  local opts=${MAVEN_OPTS:-}
  if (( ${CONVOY_JAVA_FEATURE:-0} >= 23 )) && [[ $opts != *sun-misc-unsafe* ]]; then
    opts="$opts --sun-misc-unsafe-memory-access=allow"
  fi
  # The tests' JVMs get Spark's flags fitted to this JDK (convoy_jvm_opts), as bin/convoy's own
  # commands do; the pom reads conf/jvm.properties as it is only when Maven runs without bin/convoy.
  local flags rc=0
  flags=$(mktemp "${TMPDIR:-/tmp}/convoy-jvm.XXXXXX.properties") || return 1
  printf 'convoy.jvm.options=%s\n' "$(convoy_jvm_opts)" >"$flags"
  # -ntp: no download progress bars (CI logs), -B: no colours.
  MAVEN_OPTS=$opts mvn -B -ntp -Dconvoy.jvm.file="$flags" "$@" || rc=$?
  rm -f "$flags"
  return "$rc"
}
