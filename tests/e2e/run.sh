#!/usr/bin/env bash
# Builds `anklepump`, serves it on a free loopback port, and runs the
# real-browser e2e test (Debian chromium + playwright-core + axe-core).
#
#   tests/e2e/run.sh            # from anywhere in the repo
#
# Needs: apt `chromium` (/usr/bin/chromium, or set CHROMIUM), node >= 18 + npm.
# The demo sensor is the built-in simulator (no files needed).
# E2E_SHOTS=DIR keeps a screenshot of every screen at both widths.
# ANKLEPUMP_BIN=PATH uses that binary (scripts/test.sh passes the one
# `cargo test` just built) instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

bin="${ANKLEPUMP_BIN:-}"
if [[ -z $bin ]]; then
  cargo build --bin anklepump
  bin="$root/target/debug/anklepump"
fi
(cd "$here" && npm ci --no-audit --no-fund)

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
work="$(mktemp -d)"
log="$work/server.log"
# A fresh database for the run: the test expects exactly the sessions it records.
# The demo link drops 9 s into each session for 3 s: the test sees "Reconnecting…" and the resume.
# A session with no tab attached for 4 s is saved as interrupted (the app's default: 2 minutes).
ANKLEPUMP_ORPHAN_AFTER_S=4 ANKLEPUMP_DEMO_DROPOUT=9:3 "$bin" --db "$work/e2e.sqlite3" serve --addr "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do
  if grep -q "served at" "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; echo "server exited" >&2; exit 1; fi
  sleep 0.1
done
E2E_EXPECT_DROPOUT=1 APP_URL="http://127.0.0.1:$port/" node "$here/e2e.mjs"
