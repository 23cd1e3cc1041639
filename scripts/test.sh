#!/usr/bin/env bash
# Set-up plus the whole test suite: install packages, build, run every ctest entry
# (unit, e2e, isolation, lint). The last lines are ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build
exec ctest --output-on-failure -j"$(nproc)"
