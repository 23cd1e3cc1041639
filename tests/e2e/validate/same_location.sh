#!/usr/bin/env bash
# Every command that reads the manifest names a mistake in it the same way: the path as the
# user sees it from where they stand (relative below the working directory), then
# line:column; exit 3 (invalid input) from all of them.
source "$(dirname "$0")/../lib/common.sh"
mkdir -p proj/sub
cat >proj/fstage.yaml <<'YAML'
name: demo
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: .
    memroy: 256
YAML
echo 'def handler(event, context): return "ok"' >proj/index.py
cd proj
for cmd in "validate" "package" "invoke hello" "deploy --dry-run" "serve --port 0"; do
  # shellcheck disable=SC2086
  expect_exit 3 timeout 20 "$FSTAGE" $cmd
  assert_contains "$T/err" "fstage.yaml:7:5: functions.hello: unknown key 'memroy'"
  assert_not_contains "$T/err" "$T/proj/fstage.yaml"
done
# From a subdirectory the manifest is found upwards and named by its absolute path.
cd sub
expect_exit 3 "$FSTAGE" package
assert_contains "$T/err" "$T/proj/fstage.yaml:7:5: "
# -f with a relative path below the working directory stays relative.
cd "$T"
expect_exit 3 "$FSTAGE" validate -f proj/fstage.yaml
assert_contains "$T/err" "proj/fstage.yaml:7:5: "
assert_not_contains "$T/err" "$T/proj"
