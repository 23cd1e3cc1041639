#!/usr/bin/env bash
# Fails when any C++ file of the project differs from .clang-format, or when none is found.
set -euo pipefail
cd "$(dirname "$0")/.."
cf=${CLANG_FORMAT:-clang-format}
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -co --exclude-standard '*.cpp' '*.hpp' | grep -v '^build')
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print)
fi
[ ${#files[@]} -gt 0 ] || { echo "no C++ files found" >&2; exit 1; }
"$cf" --dry-run --Werror "${files[@]}"
echo "${#files[@]} files formatted"
