# SPDX-License-Identifier: Apache-2.0
"""Versions, aliases, triggers, invocation and logs on top of fgs.Store."""
import base64
import datetime
import json
import re
import time
import uuid

import observe

from fgs import (MANAGED_CONFIG, MAX_VERSIONS, NAME_RE, TRIGGER_TYPES, VERSION_RE, ApiError, bad,
                 now, require)

ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$")
TRIGGER_REQUIRED = {"TIMER": ["name", "schedule_type", "schedule"], "SMN": ["topic_urn"],
                    "OBS": ["bucket", "events"], "LTS": ["log_group_id", "log_topic_id"],
                    "APIG": ["name", "path", "req_method", "auth"], "CTS": ["name", "operations"],
                    "DIS": ["stream_name"], "KAFKA": ["instance_id", "topic_ids"],
                    "DDS": ["instance_id", "collection_name"], "DMS": ["queue_id"]}


def publish(store, urn, body):
    fn, q = store.get(urn)
    if q not in (None, "latest"):
        raise bad("versions are published from latest", "FSS.1011")
    body = body or {}
    cfg = fn["config"]
    if body.get("digest") and body["digest"] != cfg["digest"]:
        raise bad("digest does not match the code of latest (changed meanwhile?)", "FSS.1017")
    if fn["order"]:
        newest = fn["versions"][fn["order"][-1]]
        if newest["digest"] == cfg["digest"] and all(
                newest.get(k) == cfg.get(k) for k in MANAGED_CONFIG + ("depend_version_list",)):
            raise bad("Nothing has changed since the last version was published", "FSS.1016")
    name = body.get("version") or "v" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S%f")[:-3]
    if not VERSION_RE.match(name) or name == "latest":
        raise bad("invalid parameter: version %r" % name)
    if name in fn["versions"]:
        raise ApiError(409, "FSS.1062", "The version already exists (fake code)")
    if len(fn["order"]) >= MAX_VERSIONS:
        raise bad("at most %d versions per function" % MAX_VERSIONS, "FSS.1063")
    snap = dict(cfg)
    snap["depend_version_list"] = list(cfg.get("depend_version_list") or [])
    snap.update({"version_description": body.get("description") or "", "last_modified": now()})
    fn["versions"][name] = snap
    fn["order"].append(name)
    return 200, store.model(fn, name)


def list_versions(store, urn, query):
    fn, _ = store.get(urn)
    items = [store.model(fn)] + [store.model(fn, v) for v in fn["order"]]
    marker = int(query.get("marker") or 0)
    maxitems = int(query.get("maxitems") or 400)
    page = items[marker:marker + maxitems]
    return 200, {"versions": page, "next_marker": marker + len(page), "count": len(items)}


def _alias_model(store, fn, alias):
    cfg = fn["config"]
    out = dict(alias)
    out["alias_urn"] = store.urn(cfg["package"], cfg["func_name"], "!" + alias["name"])
    return out


def _check_alias(fn, body):
    version = body.get("version")
    if version != "latest" and version not in fn["versions"]:
        raise ApiError(404, "FSS.1052", "Not found the version %r" % version)
    weights = body.get("additional_version_weights") or {}
    if not isinstance(weights, dict):
        raise bad("invalid parameter: additional_version_weights must be an object")
    for v, w in weights.items():
        if v not in fn["versions"] or v == version:
            raise bad("invalid parameter: weighted version %r" % v)
        if not isinstance(w, int) or isinstance(w, bool) or not 0 <= w <= 100:
            raise bad("invalid parameter: weight of %r must be in [0, 100]" % v)
    if sum(weights.values()) > 100:
        raise bad("invalid parameter: weights add up to more than 100")
    return weights


def create_alias(store, urn, body):
    fn, _ = store.get(urn)
    require(body, ["name", "version"])
    if not ALIAS_RE.match(body["name"]):
        raise bad("invalid parameter: alias name %r" % body["name"])
    if body["name"] in fn["aliases"]:
        raise ApiError(409, "FSS.1064", "The alias already exists (fake code)")
    if len(fn["aliases"]) >= 10:
        raise bad("at most 10 aliases per function", "FSS.1065")
    weights = _check_alias(fn, body)
    alias = {"name": body["name"], "version": body["version"],
             "description": body.get("description") or "", "last_modified": now(),
             "additional_version_weights": weights}
    fn["aliases"][body["name"]] = alias
    return 200, _alias_model(store, fn, alias)


def alias_op(store, urn, name, method, body):
    fn, _ = store.get(urn)
    alias = fn["aliases"].get(name)
    if alias is None:
        raise ApiError(404, "FSS.1053", "Not found the alias")
    if method == "GET":
        return 200, _alias_model(store, fn, alias)
    if method == "DELETE":
        del fn["aliases"][name]
        return 204, None
    require(body, ["version"])
    alias["additional_version_weights"] = _check_alias(fn, body)
    alias.update({"version": body["version"], "description": body.get("description") or "",
                  "last_modified": now()})
    return 200, _alias_model(store, fn, alias)


def list_aliases(store, urn):
    fn, _ = store.get(urn)
    return 200, [_alias_model(store, fn, a) for a in fn["aliases"].values()]


def create_trigger(store, urn, body):
    fn, _ = store.get(urn)
    require(body, ["trigger_type_code", "event_data"])
    kind = body["trigger_type_code"]
    if kind not in TRIGGER_TYPES:
        raise bad("invalid parameter: trigger_type_code %r" % kind)
    data = body["event_data"]
    if not isinstance(data, dict):
        raise bad("invalid parameter: event_data must be an object")
    for field in TRIGGER_REQUIRED.get(kind, []):
        if data.get(field) in (None, "", []):
            raise bad("invalid parameter: event_data.%s is required for %s" % (field, kind))
    if kind == "TIMER" and data["schedule_type"] not in ("Rate", "Cron"):
        raise bad("invalid parameter: schedule_type must be Rate or Cron")
    status = body.get("trigger_status") or "ACTIVE"
    if status not in ("ACTIVE", "DISABLED"):
        raise bad("invalid parameter: trigger_status")
    if len(fn["triggers"]) >= 10:
        raise bad("at most 10 triggers per function version", "FSS.1091")
    for t in fn["triggers"]:
        if t["trigger_type_code"] == kind and t["event_data"] == data:
            raise ApiError(409, "FSS.1092", "An identical trigger already exists (fake code)")
    stamp = now()
    trigger = {"trigger_id": str(uuid.uuid4()), "trigger_type_code": kind,
               "trigger_status": status, "event_type_code": body.get("event_type_code") or "",
               "event_data": data, "last_updated_time": stamp, "created_time": stamp}
    fn["triggers"].append(trigger)
    return 201, trigger


def trigger_op(store, urn, kind, trigger_id, method, body):
    fn, _ = store.get(urn)
    found = [t for t in fn["triggers"]
             if t["trigger_id"] == trigger_id and t["trigger_type_code"] == kind]
    if not found:
        raise ApiError(404, "FSS.1051", "Not found the trigger")
    trigger = found[0]
    if method == "GET":
        return 200, trigger
    if method == "DELETE":
        fn["triggers"].remove(trigger)
        return 204, None
    body = body or {}
    if body.get("trigger_status") not in (None, "ACTIVE", "DISABLED"):
        raise bad("invalid parameter: trigger_status")
    if body.get("trigger_status"):
        trigger["trigger_status"] = body["trigger_status"]
    if isinstance(body.get("event_data"), dict):
        trigger["event_data"].update(body["event_data"])
    trigger["last_updated_time"] = now()
    return 200, trigger


def triggers_op(store, urn, method):
    fn, _ = store.get(urn)
    if method == "GET":
        return 200, list(fn["triggers"])
    fn["triggers"].clear()
    return 204, None


def invoke(store, urn, raw, tail, is_async):
    fn, q = store.get(urn)
    version = store.resolve_version(fn, q)
    cfg = fn["config"] if version == "latest" else fn["versions"][version]
    try:
        event = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise bad("the request body is not valid JSON", "FSS.0400")
    request_id = str(uuid.uuid4())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    log = ("%s Start invoke request '%s', version: %s\n%s called\n\n%s Finish invoke request "
           "'%s', duration: 1.000ms, billing duration: 100ms, memory used: 12.000MB, billing "
           "memory: %dMB" % (stamp, request_id, version, cfg["handler"], stamp, request_id,
                             cfg["memory_size"]))
    for line in log.split("\n"):
        observe.append_log(store, cfg["func_name"], line)
    failed = isinstance(event, dict) and "fail" in event
    observe.record_invocation(store, cfg["func_name"], 1, failed)
    if is_async:
        return 202, {"request_id": request_id}, {}
    result = ({"errorMessage": str(event["fail"]), "errorType": "Error"} if failed else
              {"echo": event, "function": cfg["func_name"], "version": version,
               "handler": cfg["handler"]})
    headers = {"X-Cff-Request-Id": request_id, "X-Func-Err-Code": "1" if failed else "0",
               "X-Is-Func-Err": "true" if failed else "false", "X-Cff-Billing-Duration": "100"}
    if tail:
        headers["X-Cff-Function-Log"] = base64.b64encode(log.encode()[-2000:]).decode()
    return 200, {"result": json.dumps(result), "log": log if tail else "", "status": 200,
                 "request_id": request_id}, headers


def log_detail(store, urn):
    fn, _ = store.get(urn)
    cfg = fn["config"]
    return 200, {"group_name": "functiongraph-logs", "group_id": cfg["log_group_id"],
                 "stream_name": cfg["func_name"], "stream_id": cfg["log_stream_id"]}


def check_name(name):
    if not NAME_RE.match(name):
        raise bad("invalid function name")
