#!/usr/bin/env bash
# EMR bootstrap action: installs Amazon Corretto 21 on every node of an EMR 7.x cluster (Amazon Linux
# 2023), so the driver, the executors and the YARN ApplicationMaster can run Java 21
# (conf/emr-configurations.json points JAVA_HOME at it). Idempotent: a node that has it keeps it.
# A node where Java 21 cannot be installed fails its bootstrap, loudly, instead of running Spark on
# the wrong JVM.
#
# Usage (as a bootstrap action; bin/convoy emr create-cluster sets it up):
#   install-java21.sh [--copy s3://bucket/convoy/ DEST]   also copy Convoy's jar and config to DEST
set -euo pipefail

JAVA_HOME_21=${CONVOY_JAVA_HOME:-/usr/lib/jvm/java-21-amazon-corretto}
PACKAGE=${CONVOY_JAVA_PACKAGE:-java-21-amazon-corretto-devel}

log() {
  echo "convoy-bootstrap: $*"
  logger -t convoy-bootstrap "$*" 2>/dev/null || true
}

die() {
  log "FAILED: $*"
  exit 1
}

java_is_21() {
  [[ -x $JAVA_HOME_21/bin/java ]] && "$JAVA_HOME_21/bin/java" -version 2>&1 | grep -q 'version "21'
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_java() {
  if java_is_21; then
    log "Java 21 already installed at $JAVA_HOME_21; nothing to do"
    return
  fi
  log "installing $PACKAGE"
  if command -v dnf >/dev/null 2>&1; then
    as_root dnf install -y "$PACKAGE" || die "dnf could not install $PACKAGE"
  elif command -v yum >/dev/null 2>&1; then
    as_root yum install -y "$PACKAGE" || die "yum could not install $PACKAGE"
  else
    die "neither dnf nor yum is here: is this an Amazon Linux node of EMR 7.x?"
  fi
  java_is_21 || die "$PACKAGE installed, but $JAVA_HOME_21/bin/java is not Java 21"
  log "installed: $("$JAVA_HOME_21/bin/java" -version 2>&1 | head -1)"
}

copy_release() {
  local from=$1 dest=$2
  log "copying $from to $dest"
  mkdir -p "$dest"
  aws s3 cp --recursive --only-show-errors "$from" "$dest" || die "could not copy $from (does the instance profile allow s3:GetObject?)"
}

main() {
  install_java
  if [[ ${1:-} == --copy ]]; then
    [[ $# -eq 3 ]] || die "--copy needs an S3 prefix and a destination folder"
    copy_release "$2" "$3"
  elif [[ $# -gt 0 ]]; then
    die "unknown arguments: $*"
  fi
  log "done"
}

main "$@"
