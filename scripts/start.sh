#!/usr/bin/env bash
# Sets up and starts the AnklePump app (release build). With no sensor
# around, pick the demo sensor on the Pair screen.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release -- "$@"
