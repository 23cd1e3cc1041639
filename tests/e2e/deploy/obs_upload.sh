# Code over the API's 50 MB direct-upload limit goes through OBS (issue 23, item 1): a 120 MB
# function (incompressible random data) is flagged by --dry-run without credentials, refused by
# a deploy without a bucket before anything is sent, deployed through OBS with --obs-bucket (a
# PUT signed with OBS's own scheme, which the test server verifies), redeployed without any
# upload, and recreated from the object already in the bucket (HEAD, no PUT).
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud --obs-bucket fstage-code
export FSTAGE_OBS_ENDPOINT=$FAKE_URL
new_project app big
cd app
head -c $((120 * 1024 * 1024)) /dev/urandom >blob.bin

requests() { fake_get /__requests | "$PY" -c "import json,sys; print(json.dumps([[r['method'], r['path'], r['status']] for r in json.load(sys.stdin)]))"; }
count() { fake_get /__state | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

# 1. --dry-run without credentials: builds, packages, flags the limit; nothing reaches a server
(
  unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK FSTAGE_ENDPOINT
  fs 7 deploy --dry-run
  assert_contains "$T/err" "over the 50.0 MB the API takes in a request (FSS.1071)"
  assert_contains "$T/err" "pass --obs-bucket BUCKET"
  assert_contains "$T/err" "dry run without credentials (no credentials found"
  assert_contains "$T/err" "the remote diff was skipped"
  fs 0 deploy --dry-run --obs-bucket fstage-code --json
  assert_contains "$T/err" "it goes through OBS ($FAKE_URL/fstage-code/fstage/default/big/"
  "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); f=j["functions"][0]
assert j["remote"] == "skipped" and f["code"]["route"] == "obs", j' "$T/out" || fail "--json"
) || exit 1
[ "$(count)" = 0 ] || fail "an offline dry run sent requests: $(requests)"

# 2. a deploy without a bucket stops before sending anything
fs 7 deploy
assert_contains "$T/err" "nothing of big was sent"
fake_check "not any(x['method'] in ('POST', 'PUT') for x in r)" "a refused deploy wrote"

# 3. through OBS: the object is PUT (signed the OBS way), the function created from code_url
fs 0 deploy --obs-bucket fstage-code
assert_contains "$T/err" "through OBS bucket fstage-code"
assert_contains "$T/err" "big: uploaded 120."
digest=$(sha512sum .fstage/dist/big.zip | cut -d' ' -f1)
md5=$(md5sum .fstage/dist/big.zip | cut -d' ' -f1)
fake_check "len(s['obs_objects']) == 1 and s['obs_objects'][0]['etag'] == '$md5'" "object stored"
fake_check "fns['big']['config']['code_type'] == 'obs' and fns['big']['config']['digest'] == '$digest'" \
  "function deployed from the object"
fake_check "[x['method'] for x in r if x['path'].startswith('/fstage-code/')] == ['HEAD', 'PUT']"
fake_check "all(x['status'] in (200, 404) for x in r if x['path'].startswith('/fstage-code/'))"

# 4. a redeploy uploads nothing (the request log proves it)
before=$(count)
fs 0 deploy --obs-bucket fstage-code
assert_contains "$T/err" "nothing to change"
fake_check "not any(x['method'] in ('PUT', 'POST') for x in r[$before:])" "a no-op redeploy uploaded"

# 5. the manifest's obs_bucket: recreating the function finds the object there (HEAD, no PUT)
sed -i '1a obs_bucket: fstage-code' fstage.yaml
fs 0 remote remove big --yes
before=$(count)
fs 0 deploy
assert_contains "$T/err" "not uploaded again"
fake_check "[x['method'] for x in r[$before:] if x['path'].startswith('/fstage-code/')] == ['HEAD']"
fake_check "fns['big']['config']['code_type'] == 'obs'"

# 6. changed code: a new object, then PUT …/code with code_type obs
echo "# v2" >>index.py
before=$(count)
fs 0 deploy
assert_contains "$T/err" "through OBS bucket fstage-code"
fake_check "[x['method'] for x in r[$before:] if x['path'].startswith('/fstage-code/')] == ['HEAD', 'PUT']"
fake_check "len(s['obs_objects']) == 2 and fns['big']['config']['digest'] == '$(sha512sum .fstage/dist/big.zip | cut -d' ' -f1)'"

# 7. the server checks OBS signatures strictly and answers as OBS does
code=$(curl -s -o "$T/obs.xml" -w '%{http_code}' -X PUT --data-binary x \
  -H "Date: $(date -u '+%a, %d %b %Y %H:%M:%S GMT')" \
  -H "Authorization: OBS $TEST_AK:AAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$FAKE_URL/fstage-code/x")
[ "$code" = 403 ] || fail "a bad OBS signature got $code"
assert_contains "$T/obs.xml" "<Code>SignatureDoesNotMatch</Code>"

assert_no_secrets
