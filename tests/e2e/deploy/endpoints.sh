# With AK/SK in the environment a profile's endpoint is still used (issue 23), and an endpoint
# that cannot be reached gets a hint naming where it was taken from and how to set another.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
unset FSTAGE_ENDPOINT
mkdir -p "$XDG_CONFIG_HOME/fstage"
profile() { # ENDPOINT [IAM]: the default profile, endpoints only (the keys stay in the env)
  {
    echo "[default]"
    echo "endpoint = $1"
    [ -z "${2:-}" ] || echo "iam_endpoint = $2"
  } >"$XDG_CONFIG_HOME/fstage/credentials"
  chmod 600 "$XDG_CONFIG_HOME/fstage/credentials"
}
new_project app ep
cd app

# the profile's endpoint, keys from the environment
profile "$FAKE_URL"
fs 0 remote list -vv
assert_contains "$T/err" "endpoint $FAKE_URL"
assert_contains "$T/err" "credentials from environment"

# a closed port: where it came from, how to set another
dead=http://127.0.0.1:1
profile "$dead"
rm -f "$XDG_CONFIG_HOME/fstage/projects.json"
fs 22 remote list --retries 0
assert_contains "$T/err" "the IAM endpoint $dead was taken from the FunctionGraph endpoint (taken from profile 'default'"
assert_contains "$T/err" "--iam-endpoint, FSTAGE_IAM_ENDPOINT or iam_endpoint in the profile"
profile "$FAKE_URL" "$dead"
fs 22 remote list --retries 0
assert_contains "$T/err" "key iam_endpoint"
FSTAGE_IAM_ENDPOINT=$dead fs 22 deploy --retries 0
assert_contains "$T/err" "FSTAGE_IAM_ENDPOINT (environment)"
HUAWEICLOUD_SDK_PROJECT_ID=0123456789abcdef0123456789abcdef fs 22 remote list --retries 0 \
  --endpoint "$dead"
assert_contains "$T/err" "the endpoint $dead was taken from --endpoint"
assert_no_secrets
