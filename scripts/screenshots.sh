#!/usr/bin/env bash
# Starts the desktop build under Xvfb, clicks through every screen (pairing
# the demo sensor and running a short session on the way: the focus screen,
# the end of the session, Progress, Today after a sharp-pain stop) and writes one PNG
# per screen to a fresh temporary directory (printed at the end; nothing is
# committed). Needs apt: xvfb xauth imagemagick xdotool (and the desktop
# build's webkit2gtk runtime). Usage: scripts/screenshots.sh [OUT_DIR]
# ANKLEPUMP_BIN=PATH uses that binary instead of building one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d /tmp/anklepump-shots.XXXXXX)}"
mkdir -p "$out"
cd "$root"
bin="${ANKLEPUMP_BIN:-}"
if [[ -z $bin ]]; then
  cargo build --bins   # the window is anklepump-desktop, started by anklepump
  bin="$root/target/debug/anklepump"
fi

W=1100 H=860
export DISPLAY_NUM="${DISPLAY_NUM:-97}"
Xvfb ":$DISPLAY_NUM" -screen 0 "${W}x${H}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=":$DISPLAY_NUM"
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1

# WebKitGTK under Xvfb: no GPU, no sandbox helpers.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
# A fresh database in the output directory: never the user's own.
"$bin" --db "$out/screens.sqlite3" >"$out/app.log" 2>&1 &
app=$!

win=""
for _ in $(seq 1 100); do
  win="$(xdotool search --onlyvisible --name '^AnklePump$' 2>/dev/null | tail -1 || true)"
  [ -n "$win" ] && break
  sleep 0.2
done
[ -n "$win" ] || { echo "the app window did not appear; log:" >&2; cat "$out/app.log" >&2; exit 1; }
xdotool windowmove "$win" 0 0
sleep 3

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "wrote $out/$1.png"; }
# Clicks at screen coordinates (no window manager: the window sits at 0,0 and
# the layout is fixed at this size; check the PNGs when the layout changes).
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.3; }
# Navigation buttons (6 columns at >= 720 px wide).
nav() {
  local i
  case "$1" in Today) i=0 ;; Sensor) i=1 ;; Session) i=2 ;; Progress) i=3 ;; History) i=4 ;; Settings) i=5 ;; esac
  click $((160 + i * 156)) 123
}

shot 01-today 2
nav Sensor; shot 02-pair
click 938 410; shot 03-pair-connected
nav Settings; shot 04-settings
click 690 286; shot 04b-settings-custom                        # Custom plan
for _ in $(seq 17); do click 126 472; done        # reps 20 -> 3
click 126 586                                      # hold 3 -> 2 s
shot 05-settings-short-plan
nav Session; shot 06-session-ready
click 550 565; shot 07-focus-calibrating 2                       # Start · Right foot
for i in 1 2 3 4 5 6 7 8; do shot "08-focus-live-$i" 1.5; done   # up, hold, down, hold…
shot 09-focus-later 8
shot 10-end-of-session 14                                        # "3 of 3 — well done", pain question
click 300 390; shot 11-end-summary                               # pain 2
nav Progress; shot 12-progress 2
xdotool mousemove 550 500 click --repeat 10 --delay 50 5   # scroll to the day buttons and numbers
shot 13-progress-scrolled
xdotool click --repeat 10 --delay 50 4; sleep 1                # and back up to the navigation
nav History; shot 14-history
click 306 246; shot 15-history-detail
nav Today; shot 16-today-after
click 550 540; sleep 2                                          # Start a session · Right foot
click 825 822; shot 17-sharp-pain                               # Sharp pain (focus screen, bottom right)
nav Today; shot 17b-today-rest                                  # rest advice and red flags, no Start
nav Sensor; click 185 306; shot 18-pair-scanned 6               # Scan (Bluetooth)
echo "screenshots in $out"
