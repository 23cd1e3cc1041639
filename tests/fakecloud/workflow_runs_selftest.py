# SPDX-License-Identifier: Apache-2.0
"""Checks the fake server's workflow executions (workflow_runs.py): async and sync starts, a
NORMAL execution moving from running to success over time with node_execution_details filled in
ShowWorkflowExecution's shape, a failing function failing the execution and a retry walking again
from the failed node, terminate of a running execution, the list's filters, and the rejections
(sync start of a NORMAL flow, a body without input, unknown fields). Exit 0 when every check
passes."""
import base64
import copy
import io
import sys
import time
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
import workflows_selftest as base_test
from workflows_selftest import PUBLISHED, call, expect, failures

WF = "/workflows"


def definition(name, mode, sleep=None):
    body = copy.deepcopy(PUBLISHED)
    body["name"], body["mode"] = name, mode
    if sleep is not None:  # test -> nap -> end
        body["states"][0]["transition"] = "nap"
        body["states"].insert(1, {"id": "nap", "name": "nap", "type": "Sleep",
                                  "duration": sleep, "transition": "end"})
    return body


def wait_end(base, wid, eid, seconds):
    deadline = time.time() + seconds
    while True:
        shown = call(base, "GET", "%s/%s/executions/%s" % (WF, wid, eid))[1]
        if shown.get("status") != "running" or time.time() > deadline:
            return shown
        time.sleep(0.1)


def run(base):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    fn = {"func_name": "test", "package": "default", "runtime": "Python3.10",
          "handler": "index.handler", "memory_size": 128, "timeout": 30, "code_type": "zip",
          "func_code": {"file": base64.b64encode(buf.getvalue()).decode()}}
    expect("create function", call(base, "POST", "/functions", fn), 200)
    normal = expect("create NORMAL", call(base, "POST", WF, definition("normal", "NORMAL")), 200)
    express = expect("create EXPRESS", call(base, "POST", WF, definition("fast", "EXPRESS")), 200)
    napping = expect("create a napping flow", call(base, "POST", WF,
                                                   definition("napping", "NORMAL", 30)), 200)
    n, x, z = normal["id"], express["id"], napping["id"]
    expect("sync start of a NORMAL flow", call(base, "POST", "%s/%s/sync-executions" % (WF, n),
                                               {"input": {}}), 400, "FSS.0400", "EXPRESS")
    expect("start without input", call(base, "POST", "%s/%s/executions" % (WF, n), {}), 400,
           "FSS.0400", "input")
    expect("start with an unknown field", call(base, "POST", "%s/%s/executions" % (WF, n),
                                               {"input": {}, "x": 1}), 400, "FSS.0400", "body.x")
    expect("start of an unknown flow", call(base, "POST", WF + "/nope/executions", {"input": {}}),
           404, "FSS.0404")

    sync = expect("sync start", call(base, "POST", "%s/%s/sync-executions" % (WF, x),
                                     {"input": {"a": 1}}), 200)
    if (sync.get("status"), (sync.get("output") or {}).get("echo")) != ("success", {"a": 1}):
        failures.append("sync answer: %s" % sync)
    if set(sync) != {"execution_id", "status", "output", "errors", "begin_time", "end_time"}:
        failures.append("sync answer keys: %s" % sorted(sync))
    failed = call(base, "POST", "%s/%s/sync-executions" % (WF, x), {"input": {"fail": "boom"}})[1]
    if failed.get("status") != "fail" or [e["node_id"] for e in failed["errors"]] != ["test"] \
            or failed["errors"][0]["error_message"] != "boom":
        failures.append("sync failure: %s" % failed)

    started = expect("async start", call(base, "POST", "%s/%s/executions" % (WF, n),
                                         {"input": {"b": 2}, "headers": {"h": "v"}}), 200)
    if set(started or {}) != {"execution_id"}:
        failures.append("async answer: %s" % started)
        return
    eid = started["execution_id"]
    first = call(base, "GET", "%s/%s/executions/%s" % (WF, n, eid))[1]
    if first.get("status") != "running" or first.get("end_time") is not None:
        failures.append("a fresh NORMAL execution is not running: %s" % first)
    shown = wait_end(base, n, eid, 5)
    want = {"workflow_id", "workflow_urn", "execution_id", "status", "begin_time", "end_time",
            "last_update_time", "headers", "input", "output", "node_execution_details"}
    if set(shown) != want:
        failures.append("show keys %s, want %s" % (sorted(shown), sorted(want)))
    if shown.get("status") != "success" or shown["output"]["echo"] != {"b": 2} \
            or shown["headers"] != {"h": "v"}:
        failures.append("ended execution: %s" % shown)
    nodes = shown.get("node_execution_details") or []
    if [d["node_id"] for d in nodes] != ["test", "end"]:
        failures.append("nodes: %s" % nodes)
    else:
        a = nodes[0]["executions"][0]
        if a["status"] != "success" or not isinstance(a["begin_time"], int) \
                or a["end_time"] - a["begin_time"] < 200 or a["input"] != {"b": 2}:
            failures.append("node attempt: %s" % a)

    bad = expect("a failing start", call(base, "POST", "%s/%s/executions" % (WF, n),
                                         {"input": {"fail": "no"}}), 200)["execution_id"]
    shown = wait_end(base, n, bad, 5)
    if shown.get("status") != "fail" or shown["output"] is not None:
        failures.append("failing execution: %s" % shown)
    expect("terminate an ended execution", call(base, "POST", "%s/%s/executions/%s/terminate"
                                                % (WF, n, bad)), 400, "FSS.0400")
    expect("retry a failed execution", call(base, "POST", "%s/%s/executions/%s/retry"
                                            % (WF, n, bad)), 200)
    again = call(base, "GET", "%s/%s/executions/%s" % (WF, n, bad))[1]
    if again.get("status") != "running":
        failures.append("a retried execution is not running: %s" % again)
    expect("retry a running execution", call(base, "POST", "%s/%s/executions/%s/retry"
                                             % (WF, n, bad)), 400, "FSS.0400")

    long_id = call(base, "POST", "%s/%s/executions" % (WF, z), {"input": {}})[1]["execution_id"]
    time.sleep(0.5)
    expect("terminate", call(base, "POST", "%s/%s/executions/%s/terminate" % (WF, z, long_id)),
           200)
    shown = call(base, "GET", "%s/%s/executions/%s" % (WF, z, long_id))[1]
    if shown.get("status") != "cancel" or shown.get("end_time") is None:
        failures.append("terminated execution: %s" % shown)
    elif [d["node_id"] for d in shown["node_execution_details"]] != ["test", "nap"] or \
            shown["node_execution_details"][1]["executions"][0]["status"] != "cancel":
        failures.append("terminated nodes: %s" % shown["node_execution_details"])

    cb = "%s/%s/callback" % (WF, n)
    expect("a callback without its headers", call(base, "POST", cb, {"result": "success"}), 400,
           "FSS.0400", "X-Workflow-Run-Id")
    hdrs = {"X-Workflow-Run-Id": eid, "X-Workflow-State-Id": "test"}
    expect("a callback with a bad result", call(base, "POST", cb, {"result": "ok"}, headers=hdrs),
           400, "FSS.0400", "result")
    expect("a callback with an unknown field", call(base, "POST", cb, {"result": "fail", "x": 1},
                                                    headers=hdrs), 400, "FSS.0400", "'x'")
    expect("a callback of an unknown execution", call(base, "POST", cb, {"result": "success"},
                                                       headers=dict(hdrs, **{
                                                           "X-Workflow-Run-Id": "nope"})), 404)
    expect("a callback no state waits for", call(base, "POST", cb, {"result": "success"},
                                                 headers=hdrs), 400, "FSS.0400", "not waiting")
    expect("an unsigned callback", call(base, "POST", cb, {"result": "success"}, signed=False,
                                        headers=hdrs), 401)

    listed = expect("list", call(base, "GET", "%s/%s/executions" % (WF, n)), 200)
    ids = [e["execution_id"] for e in listed.get("executions", [])]
    if sorted(ids) != sorted([eid, bad]):
        failures.append("list: %s" % listed)
    only = call(base, "GET", "%s/%s/executions?status=success&limit=5" % (WF, n))[1]
    if [e["execution_id"] for e in only["executions"]] != [eid]:
        failures.append("list by status: %s" % only)
    expect("list with an unknown parameter", call(base, "GET", "%s/%s/executions?offset=1"
                                                  % (WF, n)), 400, "FSS.0400", "offset")
    expect("list with a bad time", call(base, "GET", "%s/%s/executions?start_time=today"
                                        % (WF, n)), 400, "FSS.0400")
    expect("show of another flow's execution", call(base, "GET", "%s/%s/executions/%s"
                                                    % (WF, x, eid)), 404, "FSS.0404")


if __name__ == "__main__":
    base_test.run = run
    code = base_test.main()
    if code == 0:
        print("fakecloud workflow executions: all checks pass")
    sys.exit(code)
