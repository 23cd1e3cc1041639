# The test server's function statistics and LTS log query (tests/fakecloud/observe.py): counts
# equal to the invocations made, the API's periods only, time windows, paging, and rejections.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/observe_selftest.py" ||
  fail "fakecloud statistics and log query checks"
