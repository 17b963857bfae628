#!/usr/bin/env bash
# Runs every check and test layer, after installing whatever is missing:
#   lint (fmt, clippy host + wasm32, core boundary) → native tests → browser tests
#   (wasm-bindgen-test in headless Chromium) → release build → end-to-end (Playwright).
# Prints each runner's summary line; exits non-zero if a layer fails or runs no test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
LOGS="test-artifacts/logs"
mkdir -p "$LOGS"
summary=()

started=$SECONDS
step() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }

# Sums "N passed" from cargo/wasm test result lines; fails on zero.
count_cargo() {
  local log=$1 label=$2 passed failed
  passed=$(awk '/^test result: / {match($0, /[0-9]+ passed/); s+=substr($0, RSTART, RLENGTH-7)} END {print s+0}' "$log")
  failed=$(awk '/^test result: / {match($0, /[0-9]+ failed/); s+=substr($0, RSTART, RLENGTH-7)} END {print s+0}' "$log")
  if [ -z "$passed" ] || [ "$passed" -eq 0 ]; then echo "$label ran no test"; exit 1; fi
  summary+=("$label: $passed passed, $failed failed")
}

step "lint: cargo fmt --check"
cargo fmt --all -- --check

step "lint: the core crate depends on no browser or UI crate"
if cargo tree -p license-desk-core -e normal --prefix none | grep -E '^(leptos|web-sys|gloo|js-sys|wasm-bindgen|license-desk-sim)' ; then
  echo "license-desk-core must not depend on leptos, web-sys, gloo, js-sys, wasm-bindgen or the simulator"; exit 1
fi

step "lint: the simulator is linked into the demo tenant's module only (src/bin/demo.rs), never into the first page's or the workspace's"
if grep -rln "license_desk_sim" src | grep -v "^src/bin/demo.rs$"; then
  echo "only src/bin/demo.rs may use license_desk_sim: the workspace reaches the demo tenant through src/transport/demo.rs"; exit 1
fi

step "lint: no import cycles; the shell's layers import only downwards (screens → state → runs → transport)"
python3 scripts/module-graph.py src core/src sim/src

step "lint: only the executor sends writes; components hold no retry or settle logic; only the session and the HTTP edge read the token"
senders=$(grep -rl "transport::execute" src | sort | tr '\n' ' ')
if [ "$senders" != "src/runs/executor.rs src/runs/reads.rs " ]; then
  echo "transport::execute may be called only by src/runs/executor.rs (writes) and src/runs/reads.rs (reads); found: $senders"; exit 1
fi
if ! grep -q "if request.method.is_write()" src/runs/reads.rs; then
  echo "src/runs/reads.rs must refuse writes: they go through the operations engine"; exit 1
fi
if grep -rnE "transport::(http|execute)|http::execute|RetryPolicy|is_reflected_in|ops::Run\b|Run::new|spawn_local" src/components; then
  echo "components must not send requests, retry, settle or spawn tasks: use the state's actions and the executor (src/runs/executor.rs)"; exit 1
fi
# The session reads it to send requests; the hand-over passes it from the first page's
# module to the workspace module, in memory (src/workspace_loader.rs).
if grep -rn "\.expose()" src | grep -v "^src/transport/session.rs:\|^src/workspace_loader.rs:"; then
  echo "only src/transport/session.rs and the hand-over (src/workspace_loader.rs) read the raw token"; exit 1
fi
if grep -rn "\.authorization()" src | grep -vE "^src/transport/(http|demo).rs:"; then
  echo "only the transport's edges (src/transport/http.rs, src/transport/demo.rs) build the Authorization header"; exit 1
fi

step "lint: clippy (host, every target) and clippy (wasm32 app)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p license-desk --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings

step "layer 1: native unit, fixture and property tests"
cargo test --workspace 2>&1 | tee "$LOGS/native.log"
count_cargo "$LOGS/native.log" "native (cargo test)"

step "layer 2: wasm-bindgen-test in headless Chromium"
cargo test --target wasm32-unknown-unknown 2>&1 | tee "$LOGS/browser.log"
count_cargo "$LOGS/browser.log" "browser (wasm-bindgen-test)"

step "release build (trunk --release, wasm-opt -Oz, CSP headers, precompression) and the fake Graph server"
bash scripts/build-release.sh
cargo build --release --example fake-graph

step "layer 3: end-to-end in Chromium (Playwright) against dist/ and the fake Graph server"
npx playwright test --config tests/e2e/playwright.config.mjs 2>&1 | tee "$LOGS/e2e.log"
e2e_passed=$(awk '/^ +[0-9]+ passed/ {n=$1} END {print n+0}' "$LOGS/e2e.log")
e2e_failed=$(awk '/^ +[0-9]+ failed/ {n=$1} END {print n+0}' "$LOGS/e2e.log")
if [ "$e2e_passed" -eq 0 ]; then echo "end-to-end ran no test"; exit 1; fi
summary+=("end-to-end (Playwright): $e2e_passed passed, $e2e_failed failed")

step "summary"

printf '%s\n' "${summary[@]}"
total_passed=0
for line in "${summary[@]}"; do
  total_passed=$((total_passed + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
done
echo "$total_passed passed, 0 failed"
