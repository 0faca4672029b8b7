#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): `portolan check` once for the log, once as SARIF for
# code scanning; the exit code goes to the step's outputs, so the upload runs before the job fails.
set -uo pipefail
portolan=("node" "${GITHUB_ACTION_PATH:?}/dist/cli.js")
args=(check)
[ -n "${INPUT_PATH:-}" ] && args+=("$INPUT_PATH")
[ -n "${INPUT_REPO:-}" ] && args+=(--repo "$INPUT_REPO")
# shellcheck disable=SC2206 # more arguments, split as a shell would: --max-warnings 0 --cluster prod
[ -n "${INPUT_ARGS:-}" ] && args+=($INPUT_ARGS)
sarif="${INPUT_SARIF_FILE:-portolan.sarif}"

"${portolan[@]}" "${args[@]}"
code=$?
# A registry that cannot be read is reported in the SARIF file too (exit code 2).
"${portolan[@]}" "${args[@]}" --format sarif > "$sarif"
{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
