# A manifest asking for Python3.9 runs on a Python 3.9 the host has (pyenv's here, a stand-in
# one), and the REPORT says so plainly when it runs on another version (issue 17 item 10).
. "$(dirname "$0")/lib/invoke.sh"
need_python
F="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python-fidelity/fstage.yaml"
# No Python 3.9 anywhere (HOME without pyenv, FSTAGE_PYTHON unset): the host's, said plainly.
[ -x /usr/bin/python3.9 ] || [ -x /usr/local/bin/python3.9 ] && skip "the host has a system Python 3.9"
mkdir -p "$T/home"
HOME="$T/home" expect_exit 0 env -u FSTAGE_PYTHON "$FSTAGE" invoke -f "$F" old
grep -qE 'REPORT .*	Runtime: python 3\.[0-9]+\.[0-9]+, not Python3\.9$' "$T/err" ||
  fail "REPORT does not name the version: $(grep REPORT "$T/err")"
# A pyenv 3.9 (a stand-in that says it is 3.9.99 and runs the host's Python): found and used.
# Its HOME is outside /tmp, which the sandbox replaces with its own.
# (The checkout itself may lie under /tmp, as a CI clone can: the real HOME is the place.)
case "${HOME:-/tmp}" in /tmp | /tmp/*) skip "HOME is under /tmp, which the sandbox replaces" ;; esac
H=$(mktemp -d "$HOME/.fstage-e2e.XXXXXX")
trap 'rm -rf "$T" "$H"' EXIT
v="$H/.pyenv/versions/3.9.99/bin"
mkdir -p "$v"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "Python 3.9.99"; exit 0; }\nexec /usr/bin/python3 "$@"\n' >"$v/python3.9"
chmod +x "$v/python3.9"
HOME="$H" expect_exit 0 env -u FSTAGE_PYTHON "$FSTAGE" invoke -f "$F" old --json
[ "$(json_get "$T/out" "'runtime_version' in j")" = False ] || fail "ran on another version: $(cat "$T/out")"
HOME="$H" expect_exit 0 env -u FSTAGE_PYTHON "$FSTAGE" invoke -f "$F" old
assert_not_contains "$T/err" "Runtime: "
