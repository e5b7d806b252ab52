#!/usr/bin/env bash
# The whole test suite (scripts/test.sh) beside a CPU hog, to prove that no test leans on a wall-clock limit a
# loaded machine misses: `stress-ng --cpu 2` keeps two cores busy for as long as the suite runs, and turbo's
# cache is bypassed so that every test really runs. Installs stress-ng from Debian's packages when it is
# missing, stops the hog whatever happens, and exits with the suite's status. It takes much longer than the
# suite alone; CONFORM_LOAD_CPUS sets how many hog workers (2 unless given).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'test-under-load: %s\n' "$*" >&2; }
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi

if ! command -v stress-ng >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "ERROR: stress-ng is not installed and there is no apt-get to install it; install stress-ng yourself"
    exit 1
  fi
  log "installing stress-ng (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq --no-install-recommends stress-ng >/dev/null; }; then
    log "ERROR: apt-get could not install stress-ng"
    exit 1
  fi
fi

cpus="${CONFORM_LOAD_CPUS:-2}"
# stress-ng stops its workers when it is stopped; its timeout only guards against a hog left behind if this
# script is killed outright.
hog_log="${TMPDIR:-/tmp}/council-conform-stress-ng.$$.log"
stress-ng --cpu "$cpus" --timeout 6h --metrics-brief >"$hog_log" 2>&1 &
hog=$!
stop_hog() {
  if kill -0 "$hog" 2>/dev/null; then
    kill -TERM "$hog" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$hog" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$hog" 2>/dev/null; then
      workers=$(pgrep -P "$hog")
      kill -KILL "$hog" $workers 2>/dev/null
    fi
  fi
  wait "$hog" 2>/dev/null
  [ -s "$hog_log" ] && sed 's/^/  /' "$hog_log" >&2
  rm -f "$hog_log"
}
trap stop_hog EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sleep 2
if ! kill -0 "$hog" 2>/dev/null; then
  log "ERROR: stress-ng did not start: $(cat "$hog_log")"
  exit 1
fi
log "stress-ng --cpu $cpus running (pid $hog); load: $(cut -d' ' -f1-3 /proc/loadavg)"

started=$(date +%s)
# Every task runs in full: a test replayed from turbo's cache proves nothing about this load.
TURBO_FORCE=true bash scripts/test.sh
status=$?
elapsed=$(($(date +%s) - started))

if kill -0 "$hog" 2>/dev/null; then
  log "the hog ran throughout; load: $(cut -d' ' -f1-3 /proc/loadavg)"
else
  log "WARNING: stress-ng stopped before the suite ended, so part of the suite ran without it"
  status=1
fi
log "suite status $status after $((elapsed / 60)) min $((elapsed % 60)) s beside stress-ng --cpu $cpus"
exit "$status"
