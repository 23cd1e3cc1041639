#!/usr/bin/env bash
# functions.<fn>.dependencies: a directory, a .zip and {name, requirements} (a local wheel,
# offline). invoke sees them merged over the code (a dependency's config.json wins over the
# code's); `fstage build --json` lists the three with their zips; the function's own zip holds
# its code only; invoke --artifact still sees the dependencies.
. "$(dirname "$0")/../invoke/lib/invoke.sh"
command -v zip >/dev/null || skip "no zip"
command -v unzip >/dev/null || skip "no unzip"
"$PYTHON" -m pip --version >/dev/null 2>&1 || skip "no pip for $PYTHON"
"$PYTHON" -c 'import setuptools' 2>/dev/null || skip "no setuptools for $PYTHON"

mkdir -p p/deps/common p/deps/wheels "$T/zipdep" "$T/src/pydep/pydep" && cd p
# The directory dependency: a module and a config.json that the code has too.
echo 'VALUE = "common-dir"' >deps/common/common.py
echo '{"from": "dependency"}' >deps/common/config.json
# The zip dependency.
echo 'VALUE = "zipped-zip"' >"$T/zipdep/zipped.py"
(cd "$T/zipdep" && zip -qr "$T/p/deps/zipped.zip" .) || fail "zip"
# The requirements dependency: a wheel only.
printf '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "pydep"\nversion = "1.0"\n' \
  >"$T/src/pydep/pyproject.toml"
echo 'VALUE = "pydep-wheel"' >"$T/src/pydep/pydep/__init__.py"
"$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w deps/wheels "$T/src/pydep" >"$T/wheel.log" 2>&1 ||
  { cat "$T/wheel.log"; fail "could not build the pydep wheel"; }
printf -- '--no-index\n--find-links ./wheels\npydep\n' >deps/requirements.txt

echo '{"from": "code"}' >config.json
cat >index.py <<'PY'
import json
import os

import common
import pydep
import zipped


def handler(event, context):
    context.getLogger().info("reading config.json")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")) as f:
        config = json.load(f)["from"]
    return {"common": common.VALUE, "zipped": zipped.VALUE, "pydep": pydep.VALUE, "config": config}
PY
printf 'deps/\nevent.json\n' >.fstageignore
echo '{}' >event.json
cat >fstage.yaml <<'YAML'
name: deps
functions:
  fn:
    runtime: Python3.10
    handler: index.handler
    code: .
    dependencies:
      - deps/common
      - deps/zipped.zip
      - { name: pydeps, requirements: deps/requirements.txt }
YAML
want='{"common": "common-dir", "config": "dependency", "pydep": "pydep-wheel", "zipped": "zipped-zip"}'
result_of() {  # result_of ARGS...: invoke --json; the result, keys sorted
  expect_exit 0 "$FSTAGE" invoke -e event.json --json "$@"
  json_get "$T/out" "json.dumps(json.loads(j['result']), sort_keys=True)"
}
got=$(result_of)
[ "$got" = "$want" ] || fail "invoke: got $got, want $want"

expect_exit 0 "$FSTAGE" build --json
cp "$T/out" "$T/build.json"
[ "$(json_get "$T/build.json" "len(j['dependencies'])")" = 3 ] || { cat "$T/build.json"; fail "build --json does not list 3 dependencies"; }
json_get "$T/build.json" "'\n'.join(d['zip'] for d in j['dependencies'])" >"$T/depzips" ||
  { cat "$T/build.json"; fail "dependencies without a zip"; }
while read -r z; do
  [ -f "$z" ] || fail "dependency zip $z does not exist"
  unzip -tq "$z" >"$T/ut" || { cat "$T/ut"; fail "unzip -t $z"; }
  unzip -Z1 "$z" >>"$T/depentries"
done <"$T/depzips"
for f in common.py config.json zipped.py pydep/__init__.py; do
  grep -qx "$f" "$T/depentries" || { cat "$T/depentries"; fail "$f in no dependency zip"; }
done

expect_exit 0 "$FSTAGE" package
zip=.fstage/dist/fn.zip
unzip -tq "$zip" >"$T/ut" || { cat "$T/ut"; fail "unzip -t $zip"; }
unzip -Z1 "$zip" | sort >"$T/entries"
printf 'config.json\nindex.py\n' >"$T/want-entries"
diff -u "$T/want-entries" "$T/entries" || fail "the function's zip holds more (or less) than its code"
[ "$(unzip -p "$zip" config.json)" = '{"from": "code"}' ] || fail "the zip's config.json is not the code's"

got=$(result_of --artifact "$zip")
[ "$got" = "$want" ] || fail "invoke --artifact: got $got, want $want"
echo ok
