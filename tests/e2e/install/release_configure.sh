#!/usr/bin/env bash
# A user's or packager's configure (Release, no options) does not make warnings errors, so the
# build cannot fail on a compiler whose warnings differ from ours; scripts/build.sh, which
# developers and CI run, does. The Release build itself is scripts/package-deb.sh.
. "$(dirname "$0")/../lib/common.sh"
command -v cmake >/dev/null || skip "cmake not available"

cmake -S "$FSTAGE_SOURCE_DIR" -B rel -DCMAKE_BUILD_TYPE=Release -DFSTAGE_BUILD_TESTS=OFF \
  >configure.out 2>&1 || { cat configure.out; fail "Release configure failed"; }
grep -q '^FSTAGE_WERROR:BOOL=OFF$' rel/CMakeCache.txt || fail "FSTAGE_WERROR is not off by default"
grep -q -- '-Werror' rel/compile_commands.json && fail "a Release build gets -Werror"
grep -q -- '-O3' rel/compile_commands.json || fail "not a Release build (-O3)"
grep -q -- '-DFSTAGE_WERROR=ON' "$FSTAGE_SOURCE_DIR/scripts/build.sh" ||
  fail "scripts/build.sh (developers, CI) must keep warnings as errors"
grep -q '^FSTAGE_WERROR:BOOL=ON$' "$FSTAGE_BINARY_DIR/CMakeCache.txt" ||
  skip "this build tree was configured without FSTAGE_WERROR (not by scripts/build.sh)"
grep -q -- '-Werror' "$FSTAGE_BINARY_DIR/compile_commands.json" || fail "-Werror missing in the dev build"
echo ok
