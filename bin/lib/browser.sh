# shellcheck shell=bash
# Headless Chromium and its chromedriver, for the status page's browser tests: Debian's own packages,
# so nothing is downloaded by the test itself. Paths can be overridden with CONVOY_CHROMIUM and
# CONVOY_CHROMEDRIVER (the tests read the same variables).

convoy_browser_found() {
  CONVOY_CHROMIUM=${CONVOY_CHROMIUM:-}
  CONVOY_CHROMEDRIVER=${CONVOY_CHROMEDRIVER:-$(command -v chromedriver || true)}
  if [[ -z $CONVOY_CHROMIUM ]]; then
    # Debian's /usr/bin/chromium is a wrapper script; the binary it starts is the one to drive.
    if [[ -x /usr/lib/chromium/chromium ]]; then CONVOY_CHROMIUM=/usr/lib/chromium/chromium
    else CONVOY_CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true); fi
  fi
  [[ -n $CONVOY_CHROMIUM && -x $CONVOY_CHROMIUM && -n $CONVOY_CHROMEDRIVER && -x $CONVOY_CHROMEDRIVER ]]
}

# Installs chromium and chromium-driver when missing, then prints where they are.
convoy_browser_install() {
  if ! convoy_browser_found; then
    echo "convoy: installing headless Chromium for the status page's browser tests" >&2
    if ! convoy_apt_install chromium chromium-driver; then
      echo "convoy: cannot install Chromium here (needs root or password-less sudo and apt-get). Install Debian's" \
        "'chromium' and 'chromium-driver', or set CONVOY_CHROMIUM and CONVOY_CHROMEDRIVER to a Chromium and its chromedriver." >&2
      return 1
    fi
    convoy_browser_found || { echo "convoy: Chromium was installed but chromedriver or chromium is still missing" >&2; return 1; }
  fi
  echo "chromium:     $CONVOY_CHROMIUM"
  echo "chromedriver: $CONVOY_CHROMEDRIVER"
}
