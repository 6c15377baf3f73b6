#!/usr/bin/env bash
# Sets up and starts the AnklePump app (release build). With no sensor
# around, pick the demo sensor on the Pair screen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Both binaries: `anklepump` opens the window by starting `anklepump-desktop` beside it.
cargo build --release --bins
exec "${CARGO_TARGET_DIR:-target}/release/anklepump" "$@"
