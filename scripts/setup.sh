#!/usr/bin/env bash
# Installs what License Desk needs and is missing; skips tools already at the right version.
#   scripts/setup.sh          build tools: wasm32 target, Trunk, wasm-bindgen CLI, wasm-opt
#   scripts/setup.sh --tests  also Chromium, chromedriver and the npm test packages
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
BINARYEN_VERSION=132
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  say "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ] \
  && command -v wasm-bindgen-test-runner >/dev/null; then
  say "wasm-bindgen CLI $WASM_BINDGEN_VERSION: present"
else
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" = "$TRUNK_VERSION" ]; then
  say "trunk $TRUNK_VERSION: present"
else
  say "installing trunk $TRUNK_VERSION (about 9 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "wasm-opt $BINARYEN_VERSION: present"
else
  say "installing wasm-opt $BINARYEN_VERSION (npm binaryen@$BINARYEN_VERSION)"
  npm install -g "binaryen@$BINARYEN_VERSION" --no-audit --no-fund
fi

if [ "${1:-}" = "--tests" ]; then
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    say "chromium and chromedriver: present"
  else
    say "installing chromium and chromium-driver (Debian packages)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ -d node_modules/@playwright/test ] && [ -d node_modules/axe-core ] \
    && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    say "npm test packages: present"
  else
    say "installing npm test packages (Playwright library, axe-core; no browser download)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
