# Root in a private directory (issue 18): CI jobs often run as root in a fresh `mktemp -d`
# directory, mode 0700. invoke works there in every tier this host has — in a user namespace
# (where init is root only over root's own files), as root without one, and without namespaces
# (where the function runs as nobody) — whoever owns the directories, and with a private
# TMPDIR too. What still cannot work names the directory and the fix, in the tier it ran in.
. "$(dirname "$0")/lib/invoke.sh"
need_python
[ "$(id -u)" = 0 ] || skip "needs root: the case is root's private directories"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# Interpreters every user may run: without namespaces the function runs as nobody.
export FSTAGE_PYTHON=/usr/bin/python3
node=$(command -v node || true)
if [ -n "$node" ] && as_nobody "$node" -e 0 2>/dev/null; then
  export FSTAGE_NODE=$node
else
  [ -z "${FSTAGE_TEST_REQUIRE:-}" ] || fail "required: a Node.js interpreter nobody may run"
  echo "SKIP (part): no Node.js interpreter nobody may run; the Node.js projects are left out"
  node=
fi

outer=$(mktemp -d "$T/outer.XXXXXX")
py=$(mktemp -d "$outer/py.XXXXXX")
(cd "$py" && "$FSTAGE" init -r python3.10 -n hello >/dev/null 2>&1) || fail "init python"
projects=("$py")
if [ -n "$node" ]; then
  js=$(mktemp -d "$outer/node.XXXXXX")
  (cd "$js" && "$FSTAGE" init -r nodejs20 -n hello >/dev/null 2>&1) || fail "init node"
  projects+=("$js")
fi
[ "$(stat -c %a "$outer")" = 700 ] && [ "$(stat -c %a "$py")" = 700 ] ||
  fail "mktemp -d did not make 0700 directories"

# A TMPDIR nobody may enter, to see that no sandbox directory (nor its copy of the code) stays.
chmod 711 "$T"
open_tmp="$T/open-tmp"
mkdir -m 755 "$open_tmp"

# invoke_everywhere LABEL: each project in each tier, from inside it, as the issue runs it.
invoke_everywhere() {
  local p disable tier
  for p in "${projects[@]}"; do
    for disable in "" userns namespaces; do
      cd "$p"
      expect_exit 0 env TMPDIR="$open_tmp" FSTAGE_SANDBOX_DISABLE="$disable" "$FSTAGE" invoke --json
      [ "$(json_get "$T/out" "j['status']")" = ok ] || fail "$1: status in $p"
      assert_contains "$T/out" 'Hello, world!'
      [ -z "$(ls -A "$open_tmp")" ] || fail "left in TMPDIR: $(ls -A "$open_tmp")"
      tier=$(json_get "$T/out" "j['isolation']['summary']")
      echo "ok: $1, ${p##*/}, FSTAGE_SANDBOX_DISABLE=$disable: $tier"
    done
  done
  cd "$T"
}

# 1. Root's own private directories.
invoke_everywhere "owned by root"
# 2. Another owner's (a checkout made by the CI user, run as root): a user namespace maps root
#    alone, so its init is a stranger there.
chown -R 4242:4242 "$outer"
invoke_everywhere "owned by uid 4242"
# 3. A private TMPDIR as well: without namespaces the sandbox's own directory goes elsewhere.
priv_tmp=$(mktemp -d "$T/tmp.XXXXXX")
cd "$py"
expect_exit 0 env TMPDIR="$priv_tmp" FSTAGE_SANDBOX_DISABLE=namespaces "$FSTAGE" invoke
assert_contains "$T/out" 'Hello, world!'
cd "$T"

# 4. Where fstage cannot hand the sandbox the mount (FSTAGE_SANDBOX_DISABLE=clone_mounts stands
#    in for a kernel before 5.2), the error names the directory in the way and the fix, in the
#    tier the host has, not "T2" and "see fstage doctor".
cd "$py"
"$FSTAGE" invoke --json >"$T/healthy.json" 2>/dev/null || fail "healthy run"
if json_get "$T/healthy.json" "j['isolation']['summary']" | grep -q "user namespace"; then
  expect_exit 13 env FSTAGE_SANDBOX_DISABLE=clone_mounts "$FSTAGE" invoke --json
  [ "$(json_get "$T/out" "j['isolation']['tier']")" = \
    "$(json_get "$T/healthy.json" "j['isolation']['tier']")" ] || fail "the failure changed the tier"
  json_get "$T/out" "j['error']" >"$T/msg"
  assert_contains "$T/msg" "cannot reach $py/.fstage/build/hello/tree-"
  assert_contains "$T/msg" "$outer (drwx------, owner 4242:4242) is closed to it"
  assert_contains "$T/msg" "chmod o+x $outer"
  assert_not_contains "$T/msg" "fstage doctor"
  expect_exit 13 env FSTAGE_SANDBOX_DISABLE=clone_mounts "$FSTAGE" doctor --json
  [ "$(json_get "$T/out" "next(c for c in j['checks'] if c['id'] == 'project_access')['status']")" = fail ] ||
    fail "doctor does not explain it"
else
  echo "SKIP (part): no user namespace here: the fallback's message is not exercised"
  [ -z "${FSTAGE_TEST_REQUIRE:-}" ] || fail "required: a user namespace"
fi
cd "$T"
