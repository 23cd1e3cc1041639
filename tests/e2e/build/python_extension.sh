#!/usr/bin/env bash
# A Python3.10 function whose local package ships an extension module built for CPython 3.11
# (the host's): it would not load on the platform, so the build fails (exit 3, naming the module
# and the Python it targets) and `fstage package` leaves no zip, not even an earlier one.
. "$(dirname "$0")/../lib/common.sh"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3"
"$PYTHON" -m pip --version >/dev/null 2>&1 || skip "no pip for $PYTHON"
"$PYTHON" -c 'import setuptools' 2>/dev/null || skip "no setuptools for $PYTHON"
ext=$(ls /usr/lib/python3.11/lib-dynload/_json.cpython-311-*.so 2>/dev/null | head -1)
[ -n "$ext" ] || ext=/bin/true  # the name is what matters

mkdir -p p/vendor/mylib/mylib && cd p
cat >vendor/mylib/pyproject.toml <<'TOML'
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "mylib"
version = "1.0"

[tool.setuptools.package-data]
mylib = ["*.so"]
TOML
echo 'VALUE = 1' >vendor/mylib/mylib/__init__.py
printf -- '--no-index\n./vendor/mylib\n' >requirements.txt
printf 'import mylib\n\ndef handler(event, context):\n    return {"v": mylib.VALUE}\n' >index.py
printf 'name: ext\nfunctions:\n  fn:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml

# Without the extension module: a good zip.
expect_exit 0 "$FSTAGE" package
[ -f .fstage/dist/fn.zip ] || fail "no zip for the pure-Python package"

cp "$ext" vendor/mylib/mylib/_speed.cpython-311-x86_64-linux-gnu.so
expect_exit 3 "$FSTAGE" build
assert_contains "$T/err" "_speed"
assert_contains "$T/err" "3.11"
assert_contains "$T/err" "fstage: error:"

expect_exit 3 "$FSTAGE" package
assert_contains "$T/err" "_speed"
[ ! -e .fstage/dist/fn.zip ] || fail "package failed but .fstage/dist/fn.zip is still there"
ls .fstage/dist/ >"$T/dist" 2>/dev/null || true
[ ! -s "$T/dist" ] || { cat "$T/dist"; fail "files left in .fstage/dist"; }

# invoke runs the same build: it refuses too, and runs nothing.
expect_exit 3 "$FSTAGE" invoke
assert_contains "$T/err" "_speed"
echo ok
