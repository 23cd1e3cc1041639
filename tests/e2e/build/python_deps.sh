#!/usr/bin/env bash
# Python dependencies from requirements.txt, offline: a local package by relative path and a
# package only available as a wheel in ./wheels (--no-index --find-links). invoke, serve,
# package and invoke --artifact all see the same installed packages; an edit of
# requirements.txt is picked up; the source tree is never written; .fstageignore holds for
# invoke as for the zip; the zip does not depend on where the project is.
. "$(dirname "$0")/../serve/lib/serve.sh"
command -v unzip >/dev/null || skip "no unzip"
"$PYTHON" -m pip --version >/dev/null 2>&1 || skip "no pip for $PYTHON"
"$PYTHON" -c 'import setuptools' 2>/dev/null || skip "no setuptools for $PYTHON"

# A pure-Python package: pyproject.toml + setuptools, flat layout.
mkpkg() {  # mkpkg DIR NAME VALUE
  mkdir -p "$1/$2"
  printf '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "%s"\nversion = "1.0"\n' \
    "$2" >"$1/pyproject.toml"
  printf 'VALUE = "%s"\n\ndef greet(who):\n    return "%s says hi to " + who\n' "$3" "$2" >"$1/$2/__init__.py"
}
mkdir -p p/vendor p/tests
mkpkg p/vendor/mylib mylib mine-1
mkpkg "$T/src/otherlib" otherlib other-2
mkpkg p/vendor/thirdlib thirdlib third-3
"$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w p/wheels "$T/src/otherlib" >"$T/wheel.log" 2>&1 ||
  { cat "$T/wheel.log"; fail "could not build the otherlib wheel"; }
ls p/wheels/otherlib-1.0-*.whl >/dev/null || fail "no otherlib wheel"

cd p
cat >index.py <<'PY'
import json
import os

import mylib
import otherlib


def handler(event, context):
    logger = context.getLogger()
    try:
        import thirdlib
        third = thirdlib.VALUE
    except ImportError:
        third = None
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "fixture.json")) as f:
            fixture = f.read().strip()
    except OSError:
        fixture = None
    logger.info("mylib from %s" % mylib.__file__)
    values = {"mylib": mylib.greet("fg"), "otherlib": otherlib.VALUE, "third": third,
              "fixture": fixture, "mylib_file": mylib.__file__}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(values, sort_keys=True), "isBase64Encoded": False}
PY
printf -- '--no-index\n--find-links ./wheels\n./vendor/mylib\notherlib\n' >requirements.txt
printf 'tests/\n' >.fstageignore
echo '{"secret": "fixture"}' >tests/fixture.json
echo '{}' >event.json
cat >fstage.yaml <<'YAML'
name: pydeps
functions:
  api:
    runtime: Python3.10
    handler: index.handler
    memory: 128
    timeout: 10
    code: .
    triggers:
      - { type: APIG, path: /values, method: GET }
YAML
# Everything but .fstage/ and requirements.txt (edited below), with mtimes.
listing() { find . -mindepth 1 \( -path ./.fstage -o -path ./requirements.txt \) -prune -o -print | sort | xargs ls -ld --time-style=full-iso; }
before=$(listing)

want='{"fixture": null, "mylib": "mylib says hi to fg", "mylib_file": "/opt/function/code/mylib/__init__.py", "otherlib": "other-2", "third": null}'
# invoke_body OUT ARGS...: invoke --json, prints the handler's body (a JSON string).
invoke_body() {
  local out=$1; shift
  expect_exit 0 "$FSTAGE" invoke -e event.json --json "$@"
  cp "$T/out" "$out"
  json_get "$out" "json.loads(j['result'])['body']"
}

got=$(invoke_body "$T/inv1.json")
[ "$got" = "$want" ] || fail "invoke: got $got, want $want"

serve_start fstage.yaml
[ "$(req "$T/r" GET /values)" = 200 ] || { cat "$T/r"; fail "GET /values"; }
[ "$(cat "$T/r")" = "$want" ] || fail "serve: got $(cat "$T/r"), want $want"
serve_stop TERM

expect_exit 0 "$FSTAGE" package
[ -f .fstage/dist/api.zip ] || fail "no .fstage/dist/api.zip"
unzip -tq .fstage/dist/api.zip >"$T/ut" || { cat "$T/ut"; fail "unzip -t"; }
unzip -Z1 .fstage/dist/api.zip >"$T/entries"
assert_contains "$T/entries" "mylib/__init__.py"
assert_contains "$T/entries" "otherlib/__init__.py"
assert_contains "$T/entries" "index.py"
assert_not_contains "$T/entries" "tests/fixture.json"
got=$(invoke_body "$T/inv2.json" --artifact .fstage/dist/api.zip)
[ "$got" = "$want" ] || fail "invoke --artifact: got $got, want $want"

# Freshness: a third local package added to requirements.txt is importable at the next invoke.
echo ./vendor/thirdlib >>requirements.txt
got=$(invoke_body "$T/inv3.json")
want3=${want/'"third": null'/'"third": "third-3"'}
[ "$got" = "$want3" ] || fail "after editing requirements.txt: got $got, want $want3"

# Nothing was written into the project besides .fstage/ (no build/, no *.egg-info).
after=$(listing)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "the source tree changed"; }
find . -path ./.fstage -prune -o \( -name build -o -name '*.egg-info' \) -print >"$T/junk"
[ ! -s "$T/junk" ] || { cat "$T/junk"; fail "build leftovers in the source tree"; }

# The zip is the same wherever the project lives (README: the same tree gives the same bytes
# whatever the machine), so it holds no absolute path of the build.
expect_exit 0 "$FSTAGE" package
sum1=$(sha256sum <.fstage/dist/api.zip)
if unzip -p .fstage/dist/api.zip | grep -aF "$T/" >"$T/abs"; then
  cat "$T/abs"; fail "the zip holds absolute paths of this machine's build"
fi
cp -r "$T/p" "$T/elsewhere" && rm -rf "$T/elsewhere/.fstage"
(cd "$T/elsewhere" && "$FSTAGE" package -q) || fail "package in a copy of the project"
[ "$sum1" = "$(sha256sum <"$T/elsewhere/.fstage/dist/api.zip")" ] || fail "the same project packaged elsewhere gives another zip"
echo ok
