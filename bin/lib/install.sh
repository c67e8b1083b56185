# shellcheck shell=bash
# Installs Debian packages when this user may (root, or password-less sudo); apt-get update at most
# once per run. Returns non-zero when it cannot, so callers can say what to install instead.

CONVOY_APT_UPDATED=no

convoy_can_install() { command -v apt-get >/dev/null && { [[ $(id -u) -eq 0 ]] || sudo -n true 2>/dev/null; }; }

convoy_apt_install() {
  convoy_can_install || return 1
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo -n"
  if [[ $CONVOY_APT_UPDATED == no ]]; then
    echo "convoy: apt-get update" >&2
    $sudo apt-get update -qq >/dev/null || return 1
    CONVOY_APT_UPDATED=yes
  fi
  echo "convoy: installing $*" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
