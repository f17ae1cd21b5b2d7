#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: lint, typecheck, unit, integration (real PostgreSQL),
# production build, end-to-end in headless Debian Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

if [ ! -x /usr/bin/chromium ]; then
  echo "[test] Installing Debian's Chromium (needed by the end-to-end tests)…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

step() { echo; echo "[test] ── $1"; }
step "lint";        npm run -s lint
step "typecheck";   npm run -s typecheck
step "unit";        npm run -s test:unit
step "integration"; npm run -s test:integration
step "build";       npm run -s build
step "end-to-end";  npm run -s test:e2e
echo; echo "[test] All suites passed."
