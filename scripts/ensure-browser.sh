#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/browser): Playwright
# drives /usr/bin/chromium, since its own browser downloads are not possible on CI machines.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "ensure-browser: $($CHROMIUM --version 2>/dev/null || echo "$CHROMIUM") is installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "ensure-browser: installing chromium with apt-get"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core fonts-liberation >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-browser: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-browser: $($CHROMIUM --version 2>/dev/null) installed"
