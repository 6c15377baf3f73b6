#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test
# AnklePump: system libraries (WebKitGTK for the desktop window, D-Bus for
# Bluetooth through BlueZ), the test tools (Xvfb, Chromium, dbus-daemon), and
# the Rust toolchain's components. Safe to run again; skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev libdbus-1-dev   # build
  dbus xvfb xauth imagemagick chromium fonts-dejavu-core xdotool          # tests
)
# Tools that may come from elsewhere (pyenv, NodeSource): install only when the command is missing.
command -v python3 >/dev/null || APT_PACKAGES+=(python3)
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)

# shellcheck source=scripts/apt.sh
. scripts/apt.sh
apt_install_missing setup "${APT_PACKAGES[@]}"

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing; install it from rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# End-to-end browser tests: playwright-core and axe-core from npm (never a downloaded browser).
if [ -f tests/e2e/package.json ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
