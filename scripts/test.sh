#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit + integration tests
# (including the accuracy score on shared/traces and the btleplug tests
# against a stand-in BlueZ), and the real-browser end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CARGO_TERM_COLOR=never
echo "== cargo fmt --check"; cargo fmt --check
echo "== cargo clippy"; cargo clippy --all-targets -- -D warnings
echo "== cargo test"; cargo test --all-targets -- --nocapture 2>&1 | tee target/test-output.txt
if [ -x tests/e2e/run.sh ]; then
  # The binary `cargo test` built (a plain `cargo build` would rebuild without the dev features).
  echo "== end-to-end (Chromium + playwright-core)"; ANKLEPUMP_BIN="$PWD/target/debug/anklepump" tests/e2e/run.sh
fi
