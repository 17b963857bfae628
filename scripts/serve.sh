#!/usr/bin/env bash
# Sets up what is missing, then serves License Desk with `trunk serve`, opening it on the
# built-in demo tenant. The plain URL (without ?demo) opens the sign-in screen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
PORT="${PORT:-8080}"
URL="http://127.0.0.1:${PORT}/?demo"
printf '\nLicense Desk: %s  (sign-in screen: http://127.0.0.1:%s/)\n\n' "$URL" "$PORT"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then
  (sleep 8 && xdg-open "$URL" >/dev/null 2>&1) &
fi
exec trunk serve --port "$PORT"
