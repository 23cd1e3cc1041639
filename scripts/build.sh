#!/usr/bin/env bash
# Installs the Debian packages fstage needs and builds it into build/ (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSTAGE_WERROR=ON >/dev/null
if ! cmake --build build -j"$(nproc)" >build/build.log 2>&1; then
  grep -E -B2 -A8 'error|Error' build/build.log | head -80 >&2
  echo "build failed: full log in build/build.log" >&2
  exit 1
fi
