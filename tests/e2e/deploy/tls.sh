# TLS is always verified: a self-signed https endpoint is refused (exit 22, with a hint) until
# its certificate is trusted through --ca-bundle or FSTAGE_CA_BUNDLE.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
command -v openssl >/dev/null || skip "openssl not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
  skip "openssl cannot make a self-signed certificate here"
start_fakecloud --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
export FSTAGE_REGION=cn-north-4

fs 22 remote list
assert_contains "$T/err" "TLS verification failed for 127.0.0.1"
assert_contains "$T/err" "--ca-bundle"
fs 0 remote list --ca-bundle "$T/cert.pem" -v
assert_contains "$T/err" "GET /v3/projects -> 200"
FSTAGE_CA_BUNDLE=$T/cert.pem fs 0 remote list
fs 2 remote list --ca-bundle "$T/missing.pem"
assert_contains "$T/err" "no such file"
assert_no_secrets
