# SPDX-License-Identifier: Apache-2.0
"""Workflow executions on top of workflows.py: start (async and sync), list, show, retry, terminate.

Bodies and answers follow the Go SDK's FlowExecuteBody, StartSyncWorkflowExecutionResponse,
ShowWorkflowExecutionResponse and ListWorkflowExecutionsRequest/FlowExecutionBriefV2 (FLOW.md §3).

Executions really run, against a clock: when one starts, the definition is walked once and every
node gets its begin and end time; show and list then report what has happened by now, so a status
moves from running to its end state as time passes, with no background thread. Choices the
sources do not settle are marked "(fake)":
- fakecloud's functions have no code, so an Operation action answers like fakecloud's invoke
  (fgs_more.invoke): an input object holding the key "fail" fails with {"errorMessage": str(fail),
  "errorType": "Error"}; any other input answers {"echo": input, "function": name, "version":
  version, "handler": handler}. Actions of a state run in order, each on the previous output.
- an action takes STEP seconds; a Sleep state takes its `duration` in seconds (real time); End
  and state_data_filter take no time (filters are not applied).
- a failing state with an on_errors entry ("*" or the errorType) retries by its retry_ref
  (max_attempts more attempts, each STEP + delay) and then follows its transition; without one
  the execution fails.
- a sync execution answers at once with the whole run (the walk is instant for EXPRESS flows:
  STEP does not apply; Sleep states are skipped in time).
- retry of a failed, timed out or cancelled execution walks again from the node that did not end
  well (its attempt replaced), with that node's input; terminate of a running one cancels it
  now (status cancel).
- error codes of execution-specific rejections.
- callback (CreateCallbackWorkflow: headers X-Workflow-Run-Id and X-Workflow-State-Id, body
  CallbackWorkflowRequestBody {result: success|fail, error?, output}): the v2 model invokes
  functions synchronously only, so no state of a deployed flow ever waits for one; a valid
  callback for a known execution is answered 400 "not waiting" (fake code).
"""
import datetime
import time
import uuid

from fgs import ApiError, bad
import workflows

STEP = 0.3  # seconds an action takes (fake)
MAX_NODES = 1000  # a walk longer than this fails (a loop of transitions)
END_STATES = ("success", "fail", "timeout", "cancel")


def runs(store):
    return store.__dict__.setdefault("executions", {})


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def call(store, urn, value):
    """-> (ok, output or error message): fakecloud's invoke answer (see the module comment)."""
    parts = urn.split(":")
    fn = store.functions.get((parts[5], parts[6]))
    if fn is None:
        return False, "Not found the function %s" % urn
    version = store.resolve_version(fn, parts[7] if len(parts) == 8 else None)
    cfg = fn["config"] if version == "latest" else fn["versions"][version]
    if isinstance(value, dict) and "fail" in value:
        return False, str(value["fail"])
    return True, {"echo": value, "function": cfg["func_name"], "version": version,
                  "handler": cfg["handler"]}


def walk(store, wf, state_id, value, t, express):
    """Runs the definition from state_id at time t -> (nodes, status, output, error, end time).

    nodes: [(state, attempt)] in order, attempt {status, input, output, begin, end, error}."""
    states = {s["id"]: s for s in wf["states"]}
    functions = {f["name"]: f["operation"] for f in wf["functions"]}
    retries = {r["name"]: r for r in wf["retries"]}
    step = 0.0 if express else STEP
    nodes = []
    while state_id:
        if len(nodes) >= MAX_NODES:
            return nodes, "fail", None, "more than %d nodes ran" % MAX_NODES, t
        s = states[state_id]
        begin = t
        ok, out = True, value
        if s["type"] == "Sleep":
            t += 0 if express else s["duration"]
        elif s["type"] == "Operation":
            ok, out, t = run_actions(store, s, functions, value, t, step)
            handler = next((e for e in s["on_errors"]
                            if e.get("error") in ("*", "Error", None, "")), None)
            if not ok and handler is not None:
                retry = retries.get(handler.get("retry_ref") or "")
                for _ in range(retry["max_attempts"] if retry else 0):
                    nodes.append((s, attempt("fail", value, None, begin, t, out)))
                    begin = t = t + retry["delay"] * (0 if express else 1)
                    ok, out, t = run_actions(store, s, functions, value, t, step)
                if not ok and handler.get("transition"):
                    nodes.append((s, attempt("fail", value, None, begin, t, out)))
                    state_id, value = handler["transition"], {"error": out}
                    continue
        if not ok:
            nodes.append((s, attempt("fail", value, None, begin, t, out)))
            return nodes, "fail", None, out, t
        nodes.append((s, attempt("success", value, out, begin, t, "")))
        value = out
        if s["type"] == "End" or s.get("end") or not s.get("transition"):
            return nodes, "success", value, "", t
        state_id = s["transition"]
    return nodes, "success", value, "", t


def run_actions(store, s, functions, value, t, step):
    out = value
    for a in s["actions"]:
        t += step
        ok, out = call(store, functions[a["function_ref"]["ref_name"]], out)
        if not ok:
            return False, out, t
    return True, out, t


def attempt(status, value, out, begin, end, error):
    return {"status": status, "input": value, "output": out, "begin": begin, "end": end,
            "error": error, "request_id": str(uuid.uuid4())}


def start(store, workflow_id, body, sync):
    wf = workflows.get(store, workflow_id)
    workflows.typed(body, {"input": object, "headers": dict}, "body")
    if "input" not in body:
        raise bad("invalid parameter: body.input is required")
    if sync and wf["mode"] != "EXPRESS":
        raise ApiError(400, "FSS.0400", "sync execution is supported for EXPRESS workflows only "
                       "(fake code)")
    now = time.time()
    run = {"id": str(uuid.uuid4()), "workflow": wf, "definition": dict(wf), "input": body["input"],
           "headers": body.get("headers") or {}, "begin": now, "nodes": [],
           "express": wf["mode"] == "EXPRESS", "cancelled": None}
    extend(store, run, wf["start"], body["input"], now)
    runs(store)[run["id"]] = run
    if not sync:
        return 200, {"execution_id": run["id"]}
    errors = [{"node_id": s["id"], "error_message": a["error"], "begin_time": iso(a["begin"]),
               "end_time": iso(a["end"])} for s, a in run["nodes"] if a["status"] == "fail"]
    return 200, {"execution_id": run["id"], "status": run["status"], "output": run["output"],
                 "errors": errors, "begin_time": iso(run["begin"]), "end_time": iso(run["end"])}


def extend(store, run, state_id, value, t):
    nodes, status, output, error, end = walk(store, run["definition"], state_id, value, t,
                                             run["express"])
    run["nodes"] += nodes
    run.update(status=status, output=output, error=error, end=end)


def seen(run, now):
    """-> (status, end time or None, nodes as of now): the run as an observer sees it now."""
    if run["cancelled"] is not None:
        now = min(now, run["cancelled"])
    nodes = []
    for s, a in run["nodes"]:
        if a["begin"] > now:
            break
        if a["end"] > now:
            cut = "running" if run["cancelled"] is None else "cancel"
            a = a | {"status": cut, "output": None, "end": None, "error": ""}
        nodes.append((s, a))
    if run["cancelled"] is not None:
        return "cancel", run["cancelled"], nodes
    if run["end"] <= now:
        return run["status"], run["end"], nodes
    return "running", None, nodes


def brief(run, now):
    status, end, _ = seen(run, now)
    wf = run["workflow"]
    return {"workflow_id": wf["id"], "execution_id": run["id"], "status": status,
            "begin_time": iso(run["begin"]), "end_time": iso(end) if end else None,
            "last_update_time": iso(end if end else now), "create_by": "fakecloud",
            "workflow_urn": wf["workflow_urn"]}


def find(store, workflow_id, execution_id):
    workflows.get(store, workflow_id)
    run = runs(store).get(execution_id)
    if run is None or run["workflow"]["id"] != workflow_id:
        raise ApiError(404, "FSS.0404", "Not found the execution (fake code)")
    return run


def show(store, workflow_id, execution_id):
    run = find(store, workflow_id, execution_id)
    now = time.time()
    status, end, nodes = seen(run, now)
    details, index = [], {}
    for s, a in nodes:
        if s["id"] not in index:
            index[s["id"]] = len(details)
            details.append({"node_id": s["id"], "node_name": s["name"], "execution_id": run["id"],
                            "executions": []})
        details[index[s["id"]]]["executions"].append({
            "status": a["status"], "input": a["input"], "output": a["output"],
            "begin_time": int(a["begin"] * 1000),
            "end_time": int(a["end"] * 1000) if a["end"] is not None else None,
            "error_message": a["error"], "request_id": a["request_id"]})
    out = brief(run, now)
    del out["create_by"]
    return 200, out | {"headers": run["headers"], "input": run["input"],
                       "output": run["output"] if status == "success" else None,
                       "node_execution_details": details}


def list_runs(store, workflow_id, query):
    workflows.get(store, workflow_id)
    for key in query:
        if key not in ("limit", "status", "start_time", "end_time"):
            raise bad("invalid parameter: unknown query parameter %s" % key)
    try:
        limit = int(query.get("limit") or 200)
    except ValueError:
        raise bad("invalid parameter: limit must be an integer")
    if limit < 1:
        raise bad("invalid parameter: limit must be positive")
    limit = min(limit, 200)  # the SDK: "at most 200, more answers 200"
    if query.get("status") not in (None, "", *END_STATES, "running"):
        raise bad("invalid parameter: status %r" % query["status"])
    now = time.time()
    stamps = [parse(query.get(k)) for k in ("start_time", "end_time")]
    lo, hi = stamps
    if lo is None and hi is None:
        hi = now
    if lo is None:
        lo = hi - 3 * 86400  # the SDK: a missing bound is the other one -/+ 3 days
    if hi is None:
        hi = lo + 3 * 86400
    items = [r for r in runs(store).values() if r["workflow"]["id"] == workflow_id
             and lo <= int(r["begin"]) <= hi]
    items.sort(key=lambda r: r["begin"], reverse=True)
    out = [brief(r, now) for r in items]
    if query.get("status"):
        out = [b for b in out if b["status"] == query["status"]]
    return 200, {"executions": out[:limit]}


def parse(text):
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise bad("invalid parameter: time %r is not yyyy-MM-ddTHH:mm:ssZ" % text)


def retry(store, workflow_id, execution_id):
    run = find(store, workflow_id, execution_id)
    now = time.time()
    status, _, nodes = seen(run, now)
    if status not in ("fail", "timeout", "cancel"):
        raise ApiError(400, "FSS.0400", "only a failed, timed out or cancelled execution can be "
                       "retried, this one is %s (fake code)" % status)
    last_state, last = nodes[-1] if nodes else (None, None)
    run["nodes"] = [(s, a) for s, a in run["nodes"] if a["begin"] < (last or {}).get("begin", 0)]
    run["cancelled"] = None
    if last_state is None:
        extend(store, run, run["definition"]["start"], run["input"], now)
    else:
        extend(store, run, last_state["id"], last["input"], now)
    return 200, {"execution_id": run["id"]}


def terminate(store, workflow_id, execution_id):
    run = find(store, workflow_id, execution_id)
    now = time.time()
    status, _, _ = seen(run, now)
    if status != "running":
        raise ApiError(400, "FSS.0400", "the execution is %s, not running (fake code)" % status)
    run["cancelled"] = now
    return 200, {}


CALLBACK_BODY = {"result": str, "error": str, "output": object}


def callback(store, workflow_id, headers, body):
    run_id = headers.get("x-workflow-run-id")
    state_id = headers.get("x-workflow-state-id")
    if not run_id or not state_id:
        raise bad("invalid parameter: the headers X-Workflow-Run-Id and X-Workflow-State-Id are "
                  "required")
    if not isinstance(body, dict):
        raise bad("invalid parameter: the body must be an object")
    for key, value in body.items():
        if key not in CALLBACK_BODY:
            raise bad("invalid parameter: unknown field %r" % key)
        if key == "error" and value is not None and not isinstance(value, str):
            raise bad("invalid parameter: error must be a string")
    if body.get("result") not in ("success", "fail"):
        raise bad("invalid parameter: result must be success or fail")
    run = find(store, workflow_id, run_id)
    if state_id not in {s["id"] for s in run["definition"]["states"]}:
        raise bad("invalid parameter: workflow has no state %r" % state_id)
    raise ApiError(400, "FSS.0400", "state %s of execution %s is not waiting for a callback "
                   "(fake code)" % (state_id, run_id))
