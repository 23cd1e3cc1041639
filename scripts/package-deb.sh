#!/usr/bin/env bash
# Builds fstage in Release (no tests, warnings not errors: a packager's compiler may warn where
# ours does not) into build-release/ and makes the .deb there with CPack.
#   bash scripts/package-deb.sh [OUTDIR]      # OUTDIR defaults to build-release/
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build-release}")
cmake -S . -B build-release -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
  -DFSTAGE_BUILD_TESTS=OFF >/dev/null
if ! cmake --build build-release -j"$(nproc)" >build-release/build.log 2>&1; then
  grep -E -B2 -A8 'error|Error' build-release/build.log | head -80 >&2
  echo "release build failed: full log in build-release/build.log" >&2
  exit 1
fi
(cd build-release && cpack -G DEB -B "$out" >/dev/null)
ls "$out"/fstage_*.deb
