#!/usr/bin/env bash
# A directory init cannot create is an fstage error that names the directory, says why in
# words and what to do, with exit 1 (failure) - not the raw error of an internal call - and
# nothing is left behind, not even the parent directories init made on the way.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 1 "$FSTAGE" init /proc/nope -r python3.10
assert_contains "$T/err" "fstage: error: cannot write the project to /proc/nope: /proc does not take new files"
assert_contains "$T/err" "hint: choose a directory on a disk"
assert_not_contains "$T/err" "mkdtemp"
assert_not_contains "$T/err" ".fstage-init"

expect_exit 1 "$FSTAGE" init /proc/nope/deeper -r python3.10
assert_contains "$T/err" "cannot write the project to /proc/nope/deeper"

# A file where a directory must go.
touch afile
expect_exit 5 "$FSTAGE" init afile/proj -r python3.10
assert_contains "$T/err" "afile exists and is not a directory"
assert_contains "$T/err" "hint:"
# Permission denied (as another user: root may write anywhere): the directory in the way and
# what would open it.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && as_nobody "$FSTAGE" --version >/dev/null 2>&1; then
  chmod 755 "$T" && mkdir locked
  expect_exit 1 as_nobody "$FSTAGE" init "$T/locked/proj" -r python3.10
  assert_contains "$T/err" "cannot write the project to $T/locked/proj: permission denied: $T/locked (drwxr-xr-x, owner root:root) may not be written"
  assert_contains "$T/err" "chmod o+wx $T/locked"
  chmod 700 "$T"
  expect_exit 1 as_nobody "$FSTAGE" init "$T/locked/proj" -r python3.10
  assert_contains "$T/err" "$T (drwx------, owner root:root) may not be entered"
  assert_contains "$T/err" "chmod o+x $T"
else
  echo "note: not root, no setpriv, or nobody cannot run $FSTAGE: permission case not covered"
fi
echo ok
