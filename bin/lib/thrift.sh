# shellcheck shell=bash
# Generates src/generated/java from src/main/thrift with the pinned Thrift compiler. The generated
# sources are committed so that building the jar needs no compiler; the version must match the
# libthrift version in pom.xml (thrift.version).

THRIFT_VERSION=0.17.0

thrift_compiler() {
  command -v thrift >/dev/null || convoy_apt_install thrift-compiler || true
  command -v thrift >/dev/null || { echo "convoy: the Thrift compiler $THRIFT_VERSION is missing (Debian 12: apt-get install thrift-compiler)" >&2; return 1; }
  local v; v=$(thrift --version | awk '{print $3}')
  [[ $v == "$THRIFT_VERSION" ]] || { echo "convoy: thrift $v found, $THRIFT_VERSION needed (it must match libthrift in pom.xml)" >&2; return 1; }
}

# thrift_generate <output dir>
thrift_generate() {
  local out=$1 idl
  thrift_compiler || return 1
  rm -rf "$out" && mkdir -p "$out"
  for idl in "$CONVOY_ROOT"/src/main/thrift/*.thrift; do
    # suppress: no @Generated with a date (stable diffs, no javax.annotation dependency).
    thrift --gen java:generated_annotations=suppress -out "$out" "$idl" || return 1
  done
}
