#!/usr/bin/env bash
# Installs and starts the system services later test suites need: a Docker engine (images are built
# FROM scratch, containers run with host networking), Debian's Chromium for Playwright, and PostgreSQL.
# Idempotent: quiet and quick when everything is already there. Used by the test command and CI, never by
# hand. With CI=true anything missing is an error; elsewhere it warns and the tests that need the missing
# service fail with a message naming this script.
set -uo pipefail

log() { printf 'system-setup: %s\n' "$*" >&2; }
strict() { [ "${CI:-}" = "true" ] || [ "${COUNCIL_CONFORM_STRICT_SYSTEM:-}" = "1" ]; }
fail() {
  if strict; then log "ERROR: $*"; exit 1; fi
  log "WARNING: $*"
}

need_root() {
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then echo sudo; else echo ""; fi
  fi
}
SUDO="$(need_root)"

PACKAGES=(docker.io chromium postgresql)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get is not available to install ${missing[*]}; install them with your system's package manager"
  else
    log "installing ${missing[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    if ! { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
      fail "apt-get could not install ${missing[*]}"
    fi
  fi
fi

# Docker engine: the bridge and iptables are unavailable in this kind of sandbox, so containers use host
# networking and dockerd runs without them.
if command -v dockerd >/dev/null 2>&1; then
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd"
    mkdir -p /var/log
    $SUDO sh -c 'nohup dockerd --bridge=none --iptables=false >/var/log/council-conform-dockerd.log 2>&1 &'
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    docker info >/dev/null 2>&1 || fail "dockerd did not start; see /var/log/council-conform-dockerd.log"
  fi
else
  fail "no Docker engine (dockerd) on this machine"
fi

# Chromium: Playwright drives Debian's build, never a downloaded one.
if [ ! -x /usr/bin/chromium ]; then
  fail "no /usr/bin/chromium"
fi

# PostgreSQL: the cluster Debian created on install is started; tests create their own databases.
if command -v pg_lsclusters >/dev/null 2>&1; then
  cluster="$(pg_lsclusters --no-header 2>/dev/null | head -n 1)"
  if [ -z "$cluster" ]; then
    fail "PostgreSQL is installed but has no cluster"
  else
    read -r version name _port status _rest <<<"$cluster"
    if [ "$status" != "online" ]; then
      log "starting PostgreSQL $version/$name"
      $SUDO pg_ctlcluster "$version" "$name" start || fail "pg_ctlcluster $version $name start failed"
    fi
    # The role the tests log in as over loopback TCP (Debian's pg_hba allows passwords there); it may create
    # databases, one per test file, and nothing more.
    as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
    if ! as_postgres psql -p "$_port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'conform'" 2>/dev/null | grep -q 1; then
      as_postgres psql -p "$_port" -qc "CREATE ROLE conform LOGIN CREATEDB PASSWORD 'conform'" ||
        fail "could not create the PostgreSQL role conform"
    fi
  fi
else
  fail "PostgreSQL (pg_lsclusters) is not installed"
fi
exit 0
