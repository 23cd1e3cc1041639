#!/usr/bin/env bash
# A parse error's hint names the help of the command being parsed, where the missing argument
# or bad value is described, not the root's: `fstage emit obs put --help`.
. "$(dirname "$0")/../lib/common.sh"
expect_exit 2 "$FSTAGE" emit obs put bucket only-a-key
assert_contains "$T/err" "At least 3 required but received 2"
assert_contains "$T/err" "hint: run 'fstage emit obs put --help' for usage"
expect_exit 2 "$FSTAGE" invoke --event
assert_contains "$T/err" "hint: run 'fstage invoke --help' for usage"
expect_exit 2 "$FSTAGE" emit
assert_contains "$T/err" "hint: run 'fstage emit --help' for usage"
