#!/usr/bin/env bash
# A directory or -n name the platform refuses as a function name is an error that names the
# broken rule and suggests a valid name (never silently mangled), and nothing is written; the
# printed "cd" line is one a shell can run as it is.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 2 "$FSTAGE" init 9lives -r python3.10
assert_contains "$T/err" "'9lives' cannot be the function's name: it starts with a digit"
assert_contains "$T/err" "hint: name the function with -n, e.g. -n fn-9lives"
[ ! -e 9lives ] || fail "a refused name left a directory"
expect_exit 0 "$FSTAGE" init 9lives -r python3.10 -n fn-9lives
grep -q '^  fn-9lives:$' 9lives/fstage.yaml || { cat 9lives/fstage.yaml; fail "function name"; }

expect_exit 2 "$FSTAGE" init "bad name!" -r python3.10
assert_contains "$T/err" "it contains a space, '!'"
assert_contains "$T/err" "-n bad-name"
expect_exit 2 "$FSTAGE" init ok -r python3.10 -n "my_fn-"
assert_contains "$T/err" "invalid function name 'my_fn-': it ends with '-'"
assert_contains "$T/err" "pass -n my_fn"
[ ! -e "bad name!" ] && [ ! -e ok ] || { ls -A; fail "refused names left files"; }

# Names the platform accepts are kept as they are (upper case included).
expect_exit 0 "$FSTAGE" init MyApi -r python3.10
grep -q '^  MyApi:$' MyApi/fstage.yaml || { cat MyApi/fstage.yaml; fail "name changed"; }

# The "Next:" line runs in a shell as printed, whatever the directory is called.
for dir in "bad name!" "it's here" "./-dash" 'dollar$HOME' $'tab\there'; do
  expect_exit 0 "$FSTAGE" init -n fn -r python3.10 "$dir"
  next=$(sed -n 's/^Next: //p' "$T/err")
  [ -n "$next" ] || { cat "$T/err"; fail "no Next: line for $dir"; }
  (cd "$T" && PATH="$(dirname "$FSTAGE"):$PATH" sh -c "$next") >"$T/next.out" 2>&1 || { cat "$T/next.out"; fail "'$next' failed for $dir"; }
  assert_contains "$T/next.out" "ok (1 function)"
done
echo ok
