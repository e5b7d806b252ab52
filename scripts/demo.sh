#!/usr/bin/env bash
# The demo, from a fresh machine: toolchain and dependencies, then `conform demo` on embedded defaults.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
pnpm install --frozen-lockfile --reporter=silent
exec pnpm --silent conform demo "$@"
