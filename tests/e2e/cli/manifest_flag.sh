#!/usr/bin/env bash
# One spelling for the manifest everywhere: -f/--file FILE works from outside the project for
# every command that reads one (--manifest, the old spelling of three of them, still works).
. "$(dirname "$0")/../lib/common.sh"
"$FSTAGE" init proj -r python3.10 >/dev/null 2>&1 || fail "init"
M="$T/proj/fstage.yaml"
mkdir elsewhere && cd elsewhere
for flag in -f --file --manifest; do
  expect_exit 0 "$FSTAGE" validate "$flag" "$M"
  expect_exit 0 "$FSTAGE" build "$flag" "$M"
  expect_exit 0 "$FSTAGE" package "$flag" "$M" --list
  expect_exit 0 "$FSTAGE" package "$flag" "$M"
  [ "$(cat "$T/out")" = "$T/proj/.fstage/dist/proj.zip" ] || fail "package $flag: $(cat "$T/out")"
  expect_exit 0 "$FSTAGE" doctor "$flag" "$M" --json
  expect_exit 0 "$FSTAGE" deploy "$flag" "$M" --help
  expect_exit 0 "$FSTAGE" remote list "$flag" "$M" --help
done
# invoke needs a sandbox; serve runs until stopped: their -f is taken, and the file is read.
expect_exit 4 "$FSTAGE" invoke -f "$T/nope.yaml"
assert_contains "$T/err" "nope.yaml: no such file"
expect_exit 4 "$FSTAGE" serve --file "$T/nope.yaml" --port 0
assert_contains "$T/err" "nope.yaml: no such file"
# deploy and remote read it before any network: its region is the default.
expect_exit 4 "$FSTAGE" deploy -f "$T/nope.yaml" --dry-run
expect_exit 4 "$FSTAGE" remote list -f "$T/nope.yaml"
# init's -f was --force; now it is refused with the new spelling.
expect_exit 2 "$FSTAGE" init x -r python3.10 -f
assert_contains "$T/err" "write --force"
echo ok
