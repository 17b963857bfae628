#!/usr/bin/env bash
# Builds dist/ for deployment. `trunk build --release` does everything: the release wasm
# (wasm-opt -Oz), then Trunk's post_build hook (scripts/postbuild.mjs) adds the strict CSP,
# host header and cache config and gzip/brotli copies. This wrapper only checks the hook ran.
set -euo pipefail
cd "$(dirname "$0")/.."
trunk build --release
if [ ! -f dist/security-headers.json ] || [ ! -f dist/index.html.br ]; then
  echo "dist/ lacks the post-build output: is the post_build hook in Trunk.toml?" >&2
  exit 1
fi
