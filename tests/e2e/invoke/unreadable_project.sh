# A project its caller may not read is a clear error — which directory, and the fix — with the
# table's exit code for I/O (1), not "no such file" (4), invalid input (3) or a sandbox error.
# And the rootless path: nobody's own private (mktemp -d) project runs.
. "$(dirname "$0")/lib/invoke.sh"
need_python
[ "$(id -u)" = 0 ] || skip "needs root to make a project and drop to nobody with setpriv"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$FSTAGE" ||
  skip "nobody cannot execute $FSTAGE (build tree not world-readable)"
chmod 755 "$T"
mkdir -m 755 "$T/nobody-home" && chown 65534:65534 "$T/nobody-home"
as_nobody() {
  setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$T/nobody-home" XDG_CACHE_HOME="$T/nobody-home/.cache" FSTAGE_PYTHON=/usr/bin/python3 "$@"
}

# Root's private project: nobody may not even enter it.
proj=$(mktemp -d "$T/proj.XXXXXX")
(cd "$proj" && "$FSTAGE" init -r python3.10 -n hello >/dev/null 2>&1) || fail "init"
for cmd in invoke serve doctor; do
  expect_exit 1 as_nobody "$FSTAGE" "$cmd" -f "$proj/fstage.yaml"
  assert_contains "$T/err" "cannot read the manifest $proj/fstage.yaml: permission denied"
  assert_contains "$T/err" "$proj (drwx------, owner root:root) may not be entered by nobody"
  assert_contains "$T/err" "chmod o+rx $proj"
  assert_not_contains "$T/err" "no such file"
done

# A project nobody may enter, with a file it may not read: the build names that file.
chmod 755 "$proj"
chmod 600 "$proj/index.py"
expect_exit 1 as_nobody "$FSTAGE" invoke -f "$proj/fstage.yaml"
assert_contains "$T/err" "cannot read $proj/index.py: permission denied"
assert_contains "$T/err" "chmod o+r $proj/index.py"
assert_not_contains "$T/err" "T2"
assert_not_contains "$T/err" "fstage doctor"

# The rootless path: nobody in a private project of its own.
own=$(as_nobody mktemp -d "$T/nobody-home/own.XXXXXX")
[ "$(stat -c '%a %u' "$own")" = "700 65534" ] || fail "mktemp -d as nobody: $(stat -c '%a %u' "$own")"
(cd "$own" && as_nobody "$FSTAGE" init -r python3.10 -n hello >/dev/null 2>&1) || fail "init as nobody"
cd "$own"
expect_exit 0 as_nobody "$FSTAGE" invoke
assert_contains "$T/out" 'Hello, world!'
expect_exit 0 as_nobody env FSTAGE_SANDBOX_DISABLE=namespaces "$FSTAGE" invoke
assert_contains "$T/out" 'Hello, world!'
cd "$T"
