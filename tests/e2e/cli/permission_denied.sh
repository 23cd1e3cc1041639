#!/usr/bin/env bash
# A manifest (or a directory on its way) fstage's user may not read is reported as what it is:
# "permission denied: PATH" with the owner, the mode and the chmod that fixes it, exit 1
# (failure) - not "no such file" (4), not an invalid manifest (3). Root reads everything, so as
# root the commands run as nobody (setpriv).
. "$(dirname "$0")/../lib/common.sh"
as=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || skip "running as root (which reads any file) and no setpriv to drop to nobody"
  as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as[@]}" test -x "$FSTAGE" || skip "nobody cannot run $FSTAGE (a build directory only root may enter)"
fi
chmod 755 "$T"
mkdir -m 777 home
export HOME="$T/home" XDG_CACHE_HOME="$T/home/cache"
"$FSTAGE" init proj -r python3.10 >/dev/null 2>&1 || fail "init"
chmod -R a+rX proj
chmod 000 proj/fstage.yaml
run() { expect_exit "$1" "${as[@]}" "$FSTAGE" "${@:2}"; }

run 1 validate -f proj/fstage.yaml
assert_contains "$T/err" "fstage: error: permission denied: "
assert_contains "$T/err" "proj/fstage.yaml is mode 0000, owned by "
assert_contains "$T/err" "chmod "
assert_not_contains "$T/err" "no such file"
cd proj
for cmd in validate build package invoke doctor; do
  run 1 "$cmd"
  assert_contains "$T/err" "permission denied"
done
run 1 validate --json
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["exit_code"] == 1 and j["error"]["code"] == "io", j' "$T/out" ||
  fail "validate --json: $(cat "$T/out")"
cd ..
# A directory that may not be entered: the file in it is not "missing".
chmod 644 proj/fstage.yaml
chmod 700 proj
run 1 validate -f proj/fstage.yaml
assert_contains "$T/err" "permission denied"
assert_contains "$T/err" "chmod o+rx $T/proj"
echo ok
