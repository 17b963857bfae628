#!/usr/bin/env bash
# Builds dist/ for deployment: trunk release build (wasm-opt -Oz), then the strict CSP,
# host header config and gzip/brotli precompression (scripts/postbuild.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
trunk build --release
node scripts/postbuild.mjs dist
