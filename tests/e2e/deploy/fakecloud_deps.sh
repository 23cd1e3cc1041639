# The test server's dependency routes (tests/fakecloud/DEPENDENCIES.md): the documented shapes
# are accepted, malformed requests are rejected with the real API's error codes.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/deps_selftest.py" || fail "fakecloud dependency checks"
