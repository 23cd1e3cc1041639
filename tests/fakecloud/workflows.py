# SPDX-License-Identifier: Apache-2.0
"""The v2 workflow (function flow) definition routes on top of fgs.Store.

Bodies are validated against the Go SDK's CreateWorkflowRequestBody / OperationState / Action /
FunctionRef / OnError / Retry / Trigger models (FLOW.md §2): an unknown field, a wrong type, a
state type other than Operation/Sleep/End, a dangling start/transition/ref_name/retry_ref and a
function URN that names no function of this project are rejected with the API's error shape.
Answers follow CreateWorkflowResponse and WorkflowSimpleInfo. Choices the sources do not settle
are marked "(fake)": the error codes of workflow-specific rejections, and the defaults a shown
definition carries (mode NORMAL, action_mode sequential, retry delay 1 / max_attempts 3,
description "", triggers [], on_errors []), which the real API's show answer is assumed to fill.
"""
import datetime
import re
import uuid

from fgs import ApiError, bad

NAME_RE = re.compile(r"^([_a-zA-Z0-9().-]|[\u4e00-\u9fa5]){1,64}$")
TOP = {"name": str, "description": str, "triggers": list, "start": str, "functions": list,
       "states": list, "constants": dict, "retries": list, "mode": str, "express_config": dict,
       "enterprise_project_id": str, "enable_stream_response": bool}
TRIGGER = {"trigger_name": str, "trigger_type": str, "enabled": bool, "trigger_config": dict}
FUNCTION = {"name": str, "operation": str, "metadata": dict}
RETRY = {"name": str, "delay": int, "max_attempts": int}
STATE = {"id": str, "name": str, "type": str, "end": bool, "transition": str, "actions": list,
         "action_mode": str, "on_errors": list, "state_data_filter": dict, "duration": int}
ACTION = {"function_ref": dict}
FUNCTION_REF = {"ref_name": str, "invoke_mode": str, "arguments": dict}
ON_ERROR = {"error": str, "transition": str, "retry_ref": str}
FILTER = {"input": str, "output": str}
TRIGGER_TYPES = {"FLOWTIMER", "SMN", "APIG", "APIG_DE", "OBS"}
STATE_TYPES = {"Operation", "Sleep", "End"}


def stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def typed(obj, schema, where, required=()):
    """Rejects a non-object, unknown fields, wrong types and missing required fields."""
    if not isinstance(obj, dict):
        raise bad("invalid parameter: %s must be an object" % where)
    for key, value in obj.items():
        if key not in schema:
            raise bad("invalid parameter: unknown field %s.%s" % (where, key))
        want = schema[key]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if value is not None and not ok:
            raise bad("invalid parameter: %s.%s must be %s" % (where, key, want.__name__))
    for key in required:
        if obj.get(key) is None:
            raise bad("invalid parameter: %s.%s is required" % (where, key))


def unique(items, where):
    names = [i["name"] for i in items]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise bad("invalid parameter: %s names are not unique: %s" % (where, sorted(dup)))
    return set(names)


def check_operation(store, urn, where):
    parts = urn.split(":")
    if len(parts) not in (7, 8) or parts[:2] != ["urn", "fss"] or parts[4] != "function":
        raise bad("invalid parameter: %s.operation %r is not a function URN" % (where, urn))
    if parts[3] != store.project_id:
        raise ApiError(403, "FSS.0403", "the urn belongs to another project")
    fn = store.functions.get((parts[5], parts[6]))
    if fn is None:
        raise ApiError(404, "FSS.1051", "Not found the function %s (%s)" % (urn, where))
    store.resolve_version(fn, parts[7] if len(parts) == 8 else None)


def validate(store, body):
    typed(body, TOP, "body", ["name", "start", "functions", "states", "constants", "retries"])
    if not NAME_RE.match(body["name"]):
        raise bad("invalid parameter: name %r" % body["name"])
    if len(body.get("description") or "") > 512:
        raise bad("invalid parameter: description is longer than 512 characters")
    if body.get("mode") not in (None, "NORMAL", "EXPRESS"):
        raise bad("invalid parameter: mode must be NORMAL or EXPRESS")
    if body.get("express_config") is not None:
        typed(body["express_config"], {"log_level": str}, "express_config")
        if body["express_config"].get("log_level") not in (None, "ALL", "ERROR", "NONE"):
            raise bad("invalid parameter: express_config.log_level must be ALL, ERROR or NONE")
    triggers = body.get("triggers") or []
    if len(triggers) > 200:
        raise bad("invalid parameter: at most 200 triggers")
    for i, t in enumerate(triggers):
        typed(t, TRIGGER, "triggers[%d]" % i, ["trigger_name", "trigger_type"])
        if t["trigger_type"] not in TRIGGER_TYPES:
            raise bad("invalid parameter: triggers[%d].trigger_type %r" % (i, t["trigger_type"]))
    if len(body["functions"]) > 100:
        raise bad("invalid parameter: at most 100 functions")
    for i, f in enumerate(body["functions"]):
        typed(f, FUNCTION, "functions[%d]" % i, ["name", "operation"])
        check_operation(store, f["operation"], "functions[%d]" % i)
    functions = unique(body["functions"], "functions")
    if len(body["retries"]) > 200:
        raise bad("invalid parameter: at most 200 retries")
    for i, r in enumerate(body["retries"]):
        typed(r, RETRY, "retries[%d]" % i, ["name"])
        for key, lo in (("delay", 0), ("max_attempts", 0)):
            if r.get(key) is not None and r[key] < lo:
                raise bad("invalid parameter: retries[%d].%s must not be negative" % (i, key))
    retries = unique(body["retries"], "retries")
    states = body["states"]
    if not 1 <= len(states) <= 100:
        raise bad("invalid parameter: states must hold 1 to 100 states")
    for i, s in enumerate(states):
        typed(s, STATE, "states[%d]" % i, ["id", "name", "type"])
    ids = [s["id"] for s in states]
    if len(set(ids)) != len(ids):
        raise bad("invalid parameter: state ids are not unique")
    if body["start"] not in ids:
        raise bad("invalid parameter: start %r names no state" % body["start"])
    for i, s in enumerate(states):
        where = "states[%d]" % i
        if s["type"] not in STATE_TYPES:
            raise bad("invalid parameter: %s.type %r is not Operation, Sleep or End"
                      % (where, s["type"]))
        if s.get("transition") and s["transition"] not in ids:
            raise bad("invalid parameter: %s.transition %r names no state"
                      % (where, s["transition"]))
        if s.get("action_mode") not in (None, "", "sequential", "parallel"):
            raise bad("invalid parameter: %s.action_mode %r" % (where, s["action_mode"]))
        if s["type"] == "Sleep" and (s.get("duration") is None or s["duration"] < 0):
            raise bad("invalid parameter: %s.duration is required for a Sleep state" % where)
        if s.get("state_data_filter") is not None:
            typed(s["state_data_filter"], FILTER, where + ".state_data_filter")
        for j, a in enumerate(s.get("actions") or []):
            typed(a, ACTION, "%s.actions[%d]" % (where, j), ["function_ref"])
            ref = a["function_ref"]
            typed(ref, FUNCTION_REF, "%s.actions[%d].function_ref" % (where, j), ["ref_name"])
            if ref["ref_name"] not in functions:
                raise bad("invalid parameter: %s.actions[%d].function_ref.ref_name %r names no "
                          "function" % (where, j, ref["ref_name"]))
            if ref.get("invoke_mode") not in (None, "", "synchronize"):
                raise bad("invalid parameter: invoke_mode must be synchronize")
        for j, e in enumerate(s.get("on_errors") or []):
            typed(e, ON_ERROR, "%s.on_errors[%d]" % (where, j))
            if e.get("transition") and e["transition"] not in ids:
                raise bad("invalid parameter: %s.on_errors[%d].transition %r names no state"
                          % (where, j, e["transition"]))
            if e.get("retry_ref") and e["retry_ref"] not in retries:
                raise bad("invalid parameter: %s.on_errors[%d].retry_ref %r names no retry"
                          % (where, j, e["retry_ref"]))


def with_defaults(body):
    """The definition as show answers it: the API's defaults filled in (fake, see above)."""
    out = dict(body)
    out.setdefault("description", "")
    out["triggers"] = body.get("triggers") or []
    out["mode"] = body.get("mode") or "NORMAL"
    out.setdefault("enable_stream_response", False)
    out["retries"] = [{"name": r["name"], "delay": 1 if r.get("delay") is None else r["delay"],
                       "max_attempts": 3 if r.get("max_attempts") is None else r["max_attempts"]}
                      for r in body["retries"]]
    states = []
    for s in body["states"]:
        s = dict(s)
        s.setdefault("end", False)
        s.setdefault("transition", "")
        s["actions"] = s.get("actions") or []
        s["action_mode"] = s.get("action_mode") or "sequential"
        s["on_errors"] = s.get("on_errors") or []
        states.append(s)
    out["states"] = states
    return out


def brief(store, wf):
    return {k: wf[k] for k in ("id", "workflow_urn", "name", "description", "created_time",
                               "updated_time", "created_by", "enable_stream_response")}


def urn(store, name):
    return "urn:fss:%s:%s:workflow:default:%s:latest" % (store.region, store.project_id, name)


def create(store, body):
    validate(store, body)
    if any(w["name"] == body["name"] for w in store.workflows.values()):
        raise ApiError(409, "FSS.0409", "The workflow already exists (fake code)")
    t = stamp()
    wf = with_defaults(body) | {"id": str(uuid.uuid4()), "workflow_urn": urn(store, body["name"]),
                                "created_time": t, "updated_time": t, "created_by": "fakecloud"}
    store.workflows[wf["id"]] = wf
    out = brief(store, wf)
    del out["enable_stream_response"]
    return 200, out


def get(store, workflow_id):
    wf = store.workflows.get(workflow_id)
    if wf is None:
        raise ApiError(404, "FSS.0404", "Not found the workflow (fake code)")
    return wf


def show(store, workflow_id):
    return 200, dict(get(store, workflow_id))


def update(store, workflow_id, body):
    wf = get(store, workflow_id)
    validate(store, body)
    if body["name"] != wf["name"]:
        raise bad("invalid parameter: a workflow cannot be renamed (fake)")
    keep = {k: wf[k] for k in ("id", "workflow_urn", "created_time", "created_by")}
    wf.clear()
    wf.update(with_defaults(body) | keep | {"updated_time": stamp()})
    out = brief(store, wf)
    del out["enable_stream_response"]
    return 200, out


def list_workflows(store, query):
    items = sorted(store.workflows.values(), key=lambda w: w["created_time"] + w["name"])
    if query.get("workflow_name"):
        items = [w for w in items if query["workflow_name"] in w["name"]]
    try:
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 200)
    except ValueError:
        raise bad("invalid parameter: offset and limit must be integers")
    if not 1 <= limit <= 200 or offset < 0:
        raise bad("invalid parameter: limit must be in [1, 200], offset not negative")
    page = [brief(store, w) for w in items[offset:offset + limit]]
    return 200, {"total": len(items), "size": len(page), "workflows": page}


def delete(store, body):
    typed(body, {"workflow_urns": list}, "body", ["workflow_urns"])
    urns = body["workflow_urns"]
    if not urns or not all(isinstance(u, str) for u in urns):
        raise bad("invalid parameter: workflow_urns must be a non-empty list of URNs")
    by_urn = {w["workflow_urn"]: i for i, w in store.workflows.items()}
    missing = [u for u in urns if u not in by_urn]
    if missing:
        raise ApiError(404, "FSS.0404", "Not found the workflow %s (fake code)" % missing[0])
    for u in urns:
        store.workflows.pop(by_urn[u], None)
    return 204, None
