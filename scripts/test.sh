#!/usr/bin/env bash
# The whole test suite, from a fresh machine: toolchain, system services, dependencies, then typecheck,
# lint and every package's tests through turbo (unchanged packages come from its cache), ending with one
# summary of every Vitest run. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
bash scripts/system-setup.sh
export TESTCONTAINERS_RYUK_DISABLED=true
pnpm install --frozen-lockfile --reporter=silent
status=0
pnpm exec biome check . || status=1
# Tests run from source, so no package's tests wait for another's; most of them wait on servers rather than
# compute, so four tasks share the two cores.
pnpm exec turbo run typecheck test --continue --concurrency=4 --output-logs=new-only || status=1
node scripts/test-summary.mjs || status=1
exit "$status"
