# The test server's OBS signer reproduces the StringToSign examples of OBS's API reference, so it
# checks fstage's OBS uploads against an independent implementation of the published scheme.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/obs_selftest.py" || fail "fakecloud OBS signer"
