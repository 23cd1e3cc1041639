#!/usr/bin/env bash
# Set-up plus the main job on an embedded default: scaffold a demo Python function from the
# built-in template, validate it, package it, and invoke it in the local sandbox (once cold,
# then warm on one instance).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
fstage=$PWD/build/cli/fstage
demo=${FSTAGE_DEMO_DIR:-$PWD/build/demo}
rm -rf "$demo"
"$fstage" init "$demo" -r python3.10 -n hello
cd "$demo"
"$fstage" validate
"$fstage" package
"$fstage" invoke -e event.json
"$fstage" invoke -e event.json --repeat 20 2>&1 >/dev/null | grep "^SUMMARY"
