#!/usr/bin/env bash
# Installs the browser the report tests and scripts/screenshot-report.ts drive: Debian's
# `chromium` package (/usr/bin/chromium), run headless by playwright-core (which downloads no
# browser of its own). Does nothing when /usr/bin/chromium (or $WHITTLE_CHROMIUM) is already
# there. Needs root (or sudo) for apt-get; otherwise it says what to run. Set
# WHITTLE_SKIP_BROWSER=1 to skip the browser test on a machine without it.
set -euo pipefail
if [ "${WHITTLE_SKIP_BROWSER:-}" = "1" ]; then
  echo "install-browser: WHITTLE_SKIP_BROWSER=1, not installing chromium (the browser tests are skipped)" >&2
  exit 0
fi
if [ -n "${WHITTLE_CHROMIUM:-}" ]; then
  if [ -x "$WHITTLE_CHROMIUM" ]; then
    echo "chromium (WHITTLE_CHROMIUM): $("$WHITTLE_CHROMIUM" --version 2>/dev/null || echo "$WHITTLE_CHROMIUM")"
    exit 0
  fi
  echo "install-browser: WHITTLE_CHROMIUM=$WHITTLE_CHROMIUM is not an executable file" >&2
  exit 1
fi
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "chromium is installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "install-browser: $CHROMIUM is missing and installing it needs root." >&2
    echo "  run: sudo apt-get install -y chromium   (Debian/Ubuntu), or rerun this script as root;" >&2
    echo "  or skip the report's browser test with WHITTLE_SKIP_BROWSER=1 npm test" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: apt-get not found; install Chromium with your package manager so that $CHROMIUM exists" >&2
  echo "  (or point WHITTLE_CHROMIUM at a Chromium binary)" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version
