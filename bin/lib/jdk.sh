# shellcheck shell=bash
# Finds a JDK >= 21 and exports JAVA_HOME. Sourced by bin/convoy and the Makefile's scripts.
# Order: $JAVA_HOME if >= 21; the newest JDK >= 21 under /usr/lib/jvm (and a few usual places);
# install one where the OS offers it (apt, dnf/yum) when we may; else stop and say what to install.

CONVOY_MIN_JAVA=21

# Prints the feature version (17, 21, 25 …) of the JDK at $1, or nothing.
convoy_jdk_version() {
  local home=$1 line
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 1
  line=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version') || return 1
  line=${line##*= }
  [[ $line =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$line"
}

# Prints the newest JDK home >= 21 found on disk, or nothing.
convoy_scan_jdks() {
  local best="" best_v=0 dir v
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [[ -d $dir && ! -L $dir ]] || continue
    v=$(convoy_jdk_version "$dir") || continue
    if (( v >= CONVOY_MIN_JAVA && v > best_v )); then best=$dir; best_v=$v; fi
  done
  [[ -n $best ]] && printf '%s\n' "$best"
}

convoy_install_jdk() {
  if [[ $(id -u) -ne 0 ]] && ! sudo -n true 2>/dev/null; then return 1; fi
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo -n"
  echo "convoy: no JDK >= $CONVOY_MIN_JAVA found; trying to install one" >&2
  if command -v apt-get >/dev/null; then
    local pkg
    $sudo apt-get update -qq >&2 || true
    for pkg in openjdk-25-jdk-headless openjdk-21-jdk-headless temurin-25-jdk temurin-21-jdk; do
      if apt-cache show "$pkg" >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >&2 && return 0
      fi
    done
  elif command -v dnf >/dev/null; then
    $sudo dnf install -y java-21-amazon-corretto-devel >&2 || $sudo dnf install -y java-21-openjdk-devel >&2 && return 0
  elif command -v yum >/dev/null; then
    $sudo yum install -y java-21-amazon-corretto-devel >&2 && return 0
  fi
  return 1
}

convoy_find_jdk() {
  local v
  if [[ -n ${JAVA_HOME:-} ]] && v=$(convoy_jdk_version "$JAVA_HOME") && (( v >= CONVOY_MIN_JAVA )); then
    export JAVA_HOME CONVOY_JAVA_FEATURE=$v; return 0
  fi
  local found
  found=$(convoy_scan_jdks) || true
  if [[ -z $found ]] && convoy_install_jdk; then found=$(convoy_scan_jdks) || true; fi
  if [[ -z $found ]]; then
    cat >&2 <<MSG
convoy: no JDK $CONVOY_MIN_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}; the default java is $(java -version 2>&1 | head -1 || echo none)).
Install one, then run again. For example:
  Debian/Ubuntu:      apt-get install openjdk-21-jdk-headless   (or Temurin 21/25 from Adoptium's repository)
  Amazon Linux 2023:  dnf install java-21-amazon-corretto-devel
  macOS:              brew install openjdk@21
or point JAVA_HOME at an existing JDK >= $CONVOY_MIN_JAVA.
MSG
    return 1
  fi
  export JAVA_HOME=$found
  # The JDK's feature version (21, 25 …), for flags only some JDKs accept (bin/lib/run.sh, bin/lib/mvn.sh).
  CONVOY_JAVA_FEATURE=$(convoy_jdk_version "$found") || CONVOY_JAVA_FEATURE=0
  export CONVOY_JAVA_FEATURE
}
