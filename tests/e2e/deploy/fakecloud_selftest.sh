# The test server's own signer reproduces every PLATFORM.md §5.3 vector, so the server checks
# fstage against an independent implementation of the published algorithm.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/selftest.py" || fail "fakecloud signer vectors"
