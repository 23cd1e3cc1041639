#!/usr/bin/env bash
# `man fstage` works from a build tree (MANPATH=build/man), and `fstage help --man | man -l -`
# from any binary; both show the same page as the installed one. `fstage help COMMAND` names the
# command as typed, and never lists hidden commands.
. "$(dirname "$0")/../lib/common.sh"
: "${FSTAGE_BINARY_DIR:?}"
expect_exit 0 "$FSTAGE" help invoke
assert_contains "$T/out" "Usage: fstage invoke [OPTIONS]"
expect_exit 2 "$FSTAGE" help nosuch
assert_contains "$T/err" "topics: exit-codes, environment,"
assert_not_contains "$T/err" "__"
command -v man >/dev/null || skip "man is not installed (apt-get install man-db)"
export MANWIDTH=100
MANPATH="$FSTAGE_BINARY_DIR/man" man -w fstage >where.txt 2>&1 || { cat where.txt; fail "MANPATH=build/man man -w fstage found nothing"; }
grep -qx "$FSTAGE_BINARY_DIR/man/man1/fstage.1" where.txt || fail "man found another page: $(cat where.txt)"
MANPATH="$FSTAGE_BINARY_DIR/man" man fstage >page.txt 2>/dev/null || fail "man fstage failed"
for s in "EXIT STATUS" ENVIRONMENT FSTAGE_PYTHON XDG_CACHE_HOME "fstage invoke" "-f, --file"; do
  assert_contains page.txt "$s"
done
"$FSTAGE" help --man | man -l - >stdin.txt 2>/dev/null || fail "fstage help --man | man -l - failed"
cmp -s page.txt stdin.txt || fail "the page from stdin differs from build/man's"
echo ok
