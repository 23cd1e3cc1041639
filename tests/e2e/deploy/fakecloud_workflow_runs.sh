# The test server's workflow executions (tests/fakecloud/workflow_runs.py): async and sync starts,
# statuses moving from running to an end state, the history in ShowWorkflowExecution's shape,
# retry, terminate, the list's filters and the API's rejections.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/workflow_runs_selftest.py" ||
  fail "fakecloud workflow execution checks"
