#!/usr/bin/env bash
# init inside another project refuses and names that project's manifest; with --nested it
# makes the project, and the outer project's build and package leave the nested one out.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 0 "$FSTAGE" init outer -r python3.10
expect_exit 2 "$FSTAGE" init outer/inner -r nodejs18
assert_contains "$T/err" "is inside the project of $T/outer/fstage.yaml"
assert_contains "$T/err" "--nested"
[ ! -e outer/inner ] || fail "refused init left outer/inner"
mkdir -p outer/src/deep
expect_exit 2 "$FSTAGE" init outer/src/deep/x -r nodejs18
assert_contains "$T/err" "$T/outer/fstage.yaml"
(cd outer/src && expect_exit 2 "$FSTAGE" init . -n here -r nodejs18)
[ ! -e outer/src/fstage.yaml ] || fail "refused init wrote into outer/src"

expect_exit 0 "$FSTAGE" init outer/inner -r nodejs18 --nested
[ -f outer/inner/fstage.yaml ] || fail "--nested did not make the project"
(
  cd outer
  expect_exit 0 "$FSTAGE" package --list
  assert_contains "$T/out" "index.py"
  assert_not_contains "$T/out" "inner"
  expect_exit 0 "$FSTAGE" package --explain inner/index.js
  assert_contains "$T/out" "'inner/' is a project of its own"
  expect_exit 0 "$FSTAGE" package
  unzip -l .fstage/dist/outer.zip >"$T/zip.txt"
  assert_contains "$T/zip.txt" "index.py"
  assert_not_contains "$T/zip.txt" "inner"
)
# The nested project is a project of its own.
(cd outer/inner && expect_exit 0 "$FSTAGE" validate && expect_exit 0 "$FSTAGE" package)
echo ok
