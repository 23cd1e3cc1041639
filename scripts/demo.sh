#!/usr/bin/env bash
# Set-up plus the main job on an embedded default: scaffold a demo Python function from the
# built-in template, validate it and package it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
fstage=$PWD/build/cli/fstage
demo=${FSTAGE_DEMO_DIR:-$PWD/build/demo}
rm -rf "$demo"
"$fstage" init "$demo" -r python3.10 -n hello
cd "$demo"
"$fstage" validate
if "$fstage" help package >/dev/null 2>&1; then
  "$fstage" package
fi
if "$fstage" help invoke >/dev/null 2>&1; then
  "$fstage" invoke -e event.json
fi
