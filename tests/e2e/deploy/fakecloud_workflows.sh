# The test server's workflow routes (tests/fakecloud/workflows.py): FLOW.md's published
# definition is accepted and shown back; what the v2 model rejects is rejected with the API's
# error shape.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/workflows_selftest.py" || fail "fakecloud workflow checks"
