# Dependency packages end to end against the strict local API: the manifest's dependencies are
# built into zips, uploaded as dependency versions and linked with depend_version_list; the
# local run sees them merged over the code (a dependency file wins); a second deploy changes
# nothing; a changed dependency uploads a new version and relinks; --dry-run writes nothing.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app hello
cd app
mkdir -p deps/common
echo '{"from": "dependency"}' >deps/common/config.json
echo '{"from": "code"}' >config.json
printf 'VALUE = "shared %s"\n' v1 >deps/common/shared.py
cat >index.py <<'PY'
import json
import shared


def initializer(context):
    pass


def handler(event, context):
    with open("/opt/function/code/config.json") as f:
        return {"shared": shared.VALUE, "config": json.load(f)["from"]}
PY
cat >>fstage.yaml <<'YAML'
    dependencies:
      - deps/common
YAML
"$FSTAGE" validate -q || fail "manifest with dependencies does not validate"

# Locally: the dependency is merged over the code, and wins over config.json.
if "$FSTAGE" invoke --json >"$T/inv.json" 2>"$T/inv.err"; then
  "$PY" -c 'import json,sys; r=json.loads(json.load(open(sys.argv[1]))["result"]); sys.exit(0 if r == {"shared": "shared v1", "config": "dependency"} else 1)' "$T/inv.json" ||
    { cat "$T/inv.json"; fail "invoke does not see the dependency merged over the code"; }
else
  grep -q "sandbox" "$T/inv.err" && skip "no sandbox here: $(head -1 "$T/inv.err")"
  cat "$T/inv.err"; fail "invoke failed"
fi

# The function's own zip holds its code only.
fs 0 package
unzip -l .fstage/dist/hello.zip >"$T/zip.txt"
assert_contains "$T/zip.txt" "config.json"
assert_not_contains "$T/zip.txt" "shared.py"

# A dry run uploads nothing and shows the new version.
fs 0 deploy --dry-run
assert_contains "$T/err" "(new version)"
fake_check "len(s['dependencies']) == 0 and len(fns) == 0" "a dry run wrote something"

# Deploy: one dependency version uploaded, linked on create.
fs 0 deploy
fake_check "len(s['dependencies']) == 1 and s['dependencies'][0]['name'] == 'common' and len(s['dependencies'][0]['versions']) == 1" "one dependency version"
fake_check "fns['hello']['config']['depend_version_list'] == [s['dependencies'][0]['versions'][0]['id']]" "the function links it"
md5=$(unzip -Z1 .fstage/build/hello/deps/common-*.zip >/dev/null && md5sum .fstage/build/hello/deps/common-*.zip | cut -d' ' -f1)
fake_check "s['dependencies'][0]['versions'][0]['etag'] == '$md5'" "the uploaded zip is the built one"

# A second deploy changes nothing.
fs 0 deploy
assert_contains "$T/err" "nothing to change"
fake_check "len(s['dependencies'][0]['versions']) == 1" "a no-op deploy uploaded again"

# A changed dependency: a new version, relinked; the code is the same zip.
printf 'VALUE = "shared %s"\n' v2 >deps/common/shared.py
fs 0 deploy
assert_contains "$T/err" "dependencies"
fake_check "len(s['dependencies'][0]['versions']) == 2" "no new version"
fake_check "fns['hello']['config']['depend_version_list'] == [s['dependencies'][0]['versions'][1]['id']]" "not relinked to the new version"
assert_no_secrets
echo ok
