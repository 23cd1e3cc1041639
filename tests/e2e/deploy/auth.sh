# Credentials and target errors, each clear and with its exit code from the table: wrong SK and a
# stale clock (21), unknown region (2), a region without a project (4), no or unsafe credentials
# (21), plain http off loopback (2). Profiles from `fstage configure` (0600) and token auth work.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud --region cn-north-4 --region ap-southeast-1
new_project app hello
cd app

# Wrong secret key: the server rejects the signature.
HUAWEICLOUD_SDK_SK=SKWRONGSECRETKEY000000000000000000000000 fs 21 remote list -v
assert_contains "$T/err" "APIGW.0301"
assert_contains "$T/err" "verify aksk signature fail"
assert_contains "$T/err" "hint: check the access key and secret key from environment"
assert_not_contains "$T/err" "SKWRONGSECRETKEY"
fake_check "r[-1]['auth'].endswith('verify aksk signature fail')"

# The server's clock is an hour ahead: X-Sdk-Date is stale.
fake_post /__clock '{"offset": 3600}'
fs 21 remote list
assert_contains "$T/err" "request expired"
assert_contains "$T/err" "60 minutes behind the server's"
fake_post /__clock '{"offset": 0}'

# Unknown region: refused before any request, with a suggestion.
before=$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
FSTAGE_ENDPOINT= fs 2 remote list --region cn-nrth-4
assert_contains "$T/err" "unknown region 'cn-nrth-4'; did you mean 'cn-north-4'?"
assert_contains "$T/err" "--endpoint"
[ "$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$before" ] ||
  fail "an unknown region reached the network"

# A region whose IAM project does not exist in the account.
fs 4 remote list --region eu-west-101
assert_contains "$T/err" "no IAM project named eu-west-101"
assert_contains "$T/err" "HUAWEICLOUD_SDK_PROJECT_ID"
fs 0 remote list --region ap-southeast-1

# Wrong project id given explicitly.
HUAWEICLOUD_SDK_PROJECT_ID=ffffffffffffffffffffffffffffffff fs 21 remote list
assert_contains "$T/err" "FSS.0403"

# No credentials at all; half of them.
env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK "$FSTAGE" remote list >"$T/out" 2>"$T/err" && fail "no creds accepted"
cat "$T/err" >>"$OUTPUT_LOG"
assert_contains "$T/err" "no credentials found"
assert_contains "$T/err" "fstage configure"
HUAWEICLOUD_SDK_SK= fs 21 remote list
assert_contains "$T/err" "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"

# Plain http is for loopback only.
fs 2 remote list --endpoint http://example.com
assert_contains "$T/err" "refusing plain http"

# fstage configure: a 0600 profile, refused once others can read it.
printf '%s\n%s\n' "$TEST_AK" "$TEST_SK" | env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK \
  "$FSTAGE" configure --profile ci --stdin --endpoint "$FAKE_URL" >"$T/out" 2>"$T/err" || fail "configure"
cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
cred=$XDG_CONFIG_HOME/fstage/credentials
[ "$(stat -c %a "$cred")" = 600 ] || fail "credentials mode $(stat -c %a "$cred")"
grep -q "secret_key = $TEST_SK" "$cred" || fail "profile not written"
env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK -u FSTAGE_ENDPOINT "$FSTAGE" remote list --profile ci \
  >"$T/out" 2>"$T/err" || fail "profile credentials: $(cat "$T/err")"
FSTAGE_PROFILE=ci env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK "$FSTAGE" deploy -v \
  >"$T/out" 2>"$T/err" || fail "deploy with a profile: $(cat "$T/err")"
cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
fs 0 configure list
assert_contains "$T/out" "ci"
assert_not_contains "$T/out" "$TEST_AK"
chmod 644 "$cred"
fs 21 remote list --profile ci
assert_contains "$T/err" "is accessible by others (mode 0644)"
assert_contains "$T/err" "chmod 600"
chmod 600 "$cred"
fs 4 remote list --profile nope
assert_contains "$T/err" "no profile 'nope'"

# Token auth (X-Auth-Token) instead of signing; a bad token is an auth error.
env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK FSTAGE_AUTH_TOKEN=$TEST_TOKEN \
  HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef "$FSTAGE" remote list -v \
  >"$T/out" 2>"$T/err" || fail "token auth: $(cat "$T/err")"
cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
assert_contains "$T/out" "hello"
fake_check "'x-auth-token' in r[-1]['headers'] and 'authorization' not in r[-1]['headers']"
env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK FSTAGE_AUTH_TOKEN=TOKENWRONG00000000000 \
  HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef "$FSTAGE" remote list \
  >"$T/out" 2>"$T/err" && fail "bad token accepted"
cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
assert_contains "$T/err" "token was rejected"

assert_no_secrets
