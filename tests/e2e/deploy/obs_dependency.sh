# A dependency package over the dependency API's 40 MB limit goes through OBS too: without a
# bucket the deploy is refused before anything is written; with --obs-bucket the zip is PUT to
# the bucket and the version created from it (depend_type obs, depend_link); a redeploy writes
# nothing.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud --obs-bucket fstage-code
export FSTAGE_OBS_ENDPOINT=$FAKE_URL
new_project app withdep
cd app
mkdir -p deps/big
head -c $((45 * 1024 * 1024)) /dev/urandom >deps/big/blob.bin
cat >>fstage.yaml <<'YAML'
    dependencies:
      - deps/big
YAML
count() { fake_get /__state | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

fs 7 deploy --dry-run
assert_contains "$T/err" "over the 40.0 MB the dependency API takes in a request"
fs 7 deploy
fake_check "not any(x['method'] in ('POST', 'PUT') for x in r)" "a refused deploy wrote"

fs 0 deploy --obs-bucket fstage-code
assert_contains "$T/err" "it goes through OBS bucket fstage-code"
assert_contains "$T/err" "uploaded to $FAKE_URL/fstage-code/fstage/default/dependencies/"
fake_check "len(s['dependencies']) == 1 and s['dependencies'][0]['versions'][0]['etag'] == s['obs_objects'][0]['etag']" \
  "the version was made from the object"
fake_check "fns['withdep']['config']['depend_version_list'] == [s['dependencies'][0]['versions'][0]['id']]"
before=$(count)
fs 0 deploy --obs-bucket fstage-code
assert_contains "$T/err" "nothing to change"
fake_check "not any(x['method'] in ('PUT', 'POST') for x in r[$before:])" "a no-op redeploy uploaded"
assert_no_secrets
