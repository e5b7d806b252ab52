#!/bin/sh
# The GitHub Action's step (action.yml at the repository root): runs `conform` in the runner image over the
# workspace, writes the step's outputs and job summary, and exits as `conform run` did (0 pass, 1 a `must`
# check failed, 2 could not judge). The inputs arrive as INPUT_* variables, as action.yml passes them, so the
# script runs the same outside GitHub (docs/suppliers.md). Secrets reach the container as environment
# variables, never as arguments, which other users of the machine could read.
set -eu

fail() {
  printf '::error title=Council Conform::%s\n' "$1" >&2
  exit 2
}

image="${INPUT_IMAGE:-}"
profile="${INPUT_PROFILE:-}"
target="${INPUT_TARGET:-}"
mode="${INPUT_MODE:-readonly}"
report_directory="${INPUT_REPORT_DIRECTORY:-conform-reports}"
workspace="${GITHUB_WORKSPACE:-$(pwd)}"
[ -n "$image" ] || fail 'the image input is empty: name a runner image, or leave it out for the action to build one'
[ -n "$profile" ] || fail 'the profile input is required, e.g. street-reports (conform specs lists them)'
[ -n "$target" ] || fail 'the target input is required: the base URL of your API'
case "$mode" in readonly | sandbox) ;; *) fail "mode must be readonly or sandbox, not \"$mode\"" ;; esac

# Masked before anything else is printed, so that no later line of the log can show them.
for secret in "${INPUT_TOKEN:-}" "${INPUT_CLIENT_SECRET:-}" "${INPUT_SECOND_TOKEN:-}" "${INPUT_SECOND_CLIENT_SECRET:-}"; do
  printf '%s\n' "$secret" | while IFS= read -r line; do
    [ -z "$line" ] || printf '::add-mask::%s\n' "$line"
  done
done

# The container sees the workspace at /work, its working folder; a path is given relative to the workspace
# or as an absolute path inside it, and handed on relative, so the SARIF names files as the repository does.
in_container() {
  case "$2" in
    "$workspace") printf '.' ;;
    "$workspace"/*) printf '%s' "${2#"$workspace"/}" ;;
    /*) fail "$1 must be inside the workspace ($workspace): $2" ;;
    *) printf '%s' "$2" ;;
  esac
}
on_host() {
  case "$1" in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$workspace" "$1" ;;
  esac
}

reports="$(in_container report-directory "$report_directory")"
reports_on_host="$(on_host "$report_directory")"
mkdir -p "$reports_on_host"

# conform reads these itself; one left empty is as good as unset.
export CONFORM_PROFILE="$profile" CONFORM_TARGET="$target" CONFORM_MODE="$mode"
export CONFORM_TOKEN="${INPUT_TOKEN:-}" CONFORM_CLIENT_ID="${INPUT_CLIENT_ID:-}"
export CONFORM_CLIENT_SECRET="${INPUT_CLIENT_SECRET:-}" CONFORM_SECOND_TOKEN="${INPUT_SECOND_TOKEN:-}"
export CONFORM_SECOND_CLIENT_ID="${INPUT_SECOND_CLIENT_ID:-}"
export CONFORM_SECOND_CLIENT_SECRET="${INPUT_SECOND_CLIENT_SECRET:-}"
export CONFORM_SAMPLING_SEED="${INPUT_SEED:-}"
# Features may be listed one a line (a YAML block) or on one line with commas or spaces.
CONFORM_FEATURES="$(printf '%s' "${INPUT_FEATURES:-}" | tr -s ' \n\t' ',,,' | sed 's/^,//; s/,$//')"
export CONFORM_FEATURES

# Host networking: a target on the runner itself (a sandbox started by an earlier step) is reached at
# 127.0.0.1 as from the step. The files written belong to the runner's user, not the image's.
in_runner() {
  docker run --rm --network host --user "$(id -u):$(id -g)" --volume "$workspace:/work" --workdir /work \
    --env CONFORM_PROFILE --env CONFORM_TARGET --env CONFORM_MODE --env CONFORM_TOKEN --env CONFORM_CLIENT_ID \
    --env CONFORM_CLIENT_SECRET --env CONFORM_SECOND_TOKEN --env CONFORM_SECOND_CLIENT_ID \
    --env CONFORM_SECOND_CLIENT_SECRET --env CONFORM_SAMPLING_SEED --env CONFORM_FEATURES \
    "$image" "$@"
}

lint_status=0
sarif=''
if [ -n "${INPUT_LINT:-}" ]; then
  case "$INPUT_LINT" in
    http://* | https://*) description="$INPUT_LINT" ;;
    *) description="$(in_container lint "$INPUT_LINT")" ;;
  esac
  sarif="$report_directory/lint.sarif"
  # Findings (exit 1) go to code scanning and do not fail the step; a lint that could not run (2) does.
  in_runner lint "$description" --profile "$profile" --format sarif >"$reports_on_host/lint.sarif" || lint_status=$?
fi

set -- run --report "$reports/report.json" --junit "$reports/junit.xml" --html "$reports/report.html" \
  --markdown "$reports/report.md"
# Assigned before use: a failure inside $(…) stops the script only from an assignment.
if [ -n "${INPUT_ATTESTATION:-}" ]; then
  attestation="$(in_container attestation "$INPUT_ATTESTATION")"
  set -- "$@" --attestation "$attestation"
fi
# --expected-failures is passed only when given, so the action also drives a conform without the flag.
if [ -n "${INPUT_EXPECTED_FAILURES:-}" ]; then
  expected_failures="$(in_container expected-failures "$INPUT_EXPECTED_FAILURES")"
  set -- "$@" --expected-failures "$expected_failures"
fi
# Extra arguments are split on white space, never globbed.
set -f
# shellcheck disable=SC2086
set -- "$@" ${INPUT_ARGS:-}
set +f

run_status=0
in_runner "$@" || run_status=$?

level=''
certifiable=false
if [ -f "$reports_on_host/report.json" ]; then
  # The image's own Node reads the report, so the runner needs nothing installed besides Docker.
  summary="$(docker run --rm -i --network none --entrypoint /usr/local/bin/node "$image" -e '
    const report = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    process.stdout.write(`${report.level} ${report.certifiable === true}`);
  ' <"$reports_on_host/report.json")"
  level="${summary% *}"
  certifiable="${summary#* }"
fi
{
  printf 'level=%s\n' "$level"
  printf 'certifiable=%s\n' "$certifiable"
  printf 'report-directory=%s\n' "$report_directory"
  printf 'sarif=%s\n' "$sarif"
} >>"${GITHUB_OUTPUT:-/dev/stdout}"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$reports_on_host/report.md" ]; then
  cat "$reports_on_host/report.md" >>"$GITHUB_STEP_SUMMARY"
fi

if [ "$run_status" -ne 0 ]; then exit "$run_status"; fi
if [ "$lint_status" -gt 1 ]; then exit "$lint_status"; fi
exit 0
