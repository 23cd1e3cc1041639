# SPDX-License-Identifier: Apache-2.0
"""Function settings on top of fgs.Store, checked as the API documents them.

Configuration fields (PUT .../config, UpdateFunctionConfig, api-functiongraph functiongraph_06_0111;
SDK models FuncVpc, StrategyConfig):
  xrole            agency name, 1-64 of letters, digits, space, - _ .
  func_vpc         {vpc_id, subnet_id, security_groups?, vpc_name?, subnet_name?, cidr?, gateway?};
                   refused without an xrole (FuncVpc: "configure an agency with VPC rights as well")
  strategy_config  {concurrency: -1..1000, concurrent_num: 1..1000}; not below the reserved count
  pre_stop_handler / pre_stop_timeout (1-90 s, needs the handler)
  log_config       {group_id, stream_id, group_name?, stream_name?}; shown as log_group_id/_stream_id
  encrypted_user_data  JSON object string; never returned by GET (the console and API show only
                   plain user_data in clear); together with user_data at most 4096 characters
A PUT replaces the whole configuration: xrole, func_vpc, strategy_config and pre_stop_* that are
left out go back to their defaults (no agency, no VPC, no limit, no pre-stop). log_config left out
stays (a function always logs somewhere), and so does encrypted_user_data (a client cannot send
back what it cannot read); "" clears it. CreateFunction takes no strategy_config.

Own routes:
  PUT    .../fgs/functions/{urn}/reservedinstances {count, idle_mode?, tactics_config?}
  GET/PUT/DELETE .../fgs/functions/{urn}/async-invoke-config    (404 FSS.0404 when none)
  GET    /v2/{pid}/functions/{urn}/tags -> {tags: [{key, value}], sys_tags: []}
  POST   /v2/{pid}/functions/{urn}/tags/create  {tags: [{key, value}], action: "create"}  204
  DELETE /v2/{pid}/functions/{urn}/tags/delete  {tags: [{key, value}], action: "delete"}  204
Tag keys 1-36 and values 0-36 of A-Z a-z 0-9 - _ (values also .) or CJK (CreateTags KvItem); at
most 20 tags per function (usermanual functiongraph_01_1839); keys starting _sys_ are refused.
"""
import json
import re

from fgs import ApiError, bad, now

AGENCY_RE = re.compile(r"^[A-Za-z0-9 _.-]{1,64}$")
ID_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
TAG_KEY_RE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,36}$")
TAG_VALUE_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{0,36}$")
ENV_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
VPC_KEYS = {"vpc_id", "subnet_id", "security_groups", "vpc_name", "subnet_name", "cidr", "gateway",
            "domain_id", "namespace", "is_safety"}
LOG_KEYS = {"group_id", "stream_id", "group_name", "stream_name"}
ASYNC_KEYS = {"max_async_event_age_in_seconds", "max_async_retry_attempts", "destination_config",
              "enable_async_status_log"}
DESTINATION_PARAM = {"FunctionGraph": "func_urn", "OBS": "bucket", "SMN": "topic_urn",
                     "DIS": "stream_name"}
DEFAULTS = {"xrole": "", "func_vpc": None, "strategy_config": {"concurrency": -1,
                                                                "concurrent_num": 1},
            "pre_stop_handler": "", "pre_stop_timeout": 0}
MAX_TAGS = 20


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def int_in(obj, key, lo, hi, where):
    v = obj.get(key)
    if not is_int(v) or not lo <= v <= hi:
        raise bad("invalid parameter: %s%s must be an integer in [%d, %d]" % (where, key, lo, hi))
    return v


def check_config(body, fn=None, create=False):
    """Raises ApiError when a settings field breaks the API's rules."""
    xrole = body.get("xrole") or ""
    if xrole and (not isinstance(xrole, str) or not AGENCY_RE.match(xrole)):
        raise bad("invalid parameter: xrole %r is not an agency name" % (xrole,))
    vpc = body.get("func_vpc")
    if vpc is not None:
        if not isinstance(vpc, dict) or set(vpc) - VPC_KEYS:
            raise bad("invalid parameter: func_vpc has unknown fields %s" %
                      sorted(set(vpc) - VPC_KEYS if isinstance(vpc, dict) else []))
        for k in ("vpc_id", "subnet_id"):
            if not isinstance(vpc.get(k), str) or not ID_RE.match(vpc[k]):
                raise bad("invalid parameter: func_vpc.%s is required (an id)" % k)
        groups = vpc.get("security_groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) and ID_RE.match(g)
                                                   for g in groups):
            raise bad("invalid parameter: func_vpc.security_groups must be a list of ids")
        if not xrole:
            raise bad("a function in a VPC needs an agency (xrole) with VPC permissions",
                      "FSS.1136")  # (fake code)
    sc = body.get("strategy_config")
    if sc is not None and not create:
        if not isinstance(sc, dict) or set(sc) - {"concurrency", "concurrent_num"}:
            raise bad("invalid parameter: strategy_config takes concurrency and concurrent_num")
        concurrency = int_in(sc, "concurrency", -1, 1000, "strategy_config.")
        if "concurrent_num" in sc:
            int_in(sc, "concurrent_num", 1, 1000, "strategy_config.")
        reserved = (fn or {}).get("config", {}).get("reserved_instance_count", 0)
        if concurrency > 0 and reserved > concurrency:
            raise bad("strategy_config.concurrency %d is below the %d reserved instances"
                      % (concurrency, reserved), "FSS.1140")  # (fake code)
    handler = body.get("pre_stop_handler") or ""
    if handler:
        if not isinstance(handler, str) or len(handler) > 128:
            raise bad("invalid parameter: pre_stop_handler must be 1-128 characters")
        int_in(body, "pre_stop_timeout", 1, 90, "")
    elif body.get("pre_stop_timeout"):
        raise bad("invalid parameter: pre_stop_timeout without a pre_stop_handler")
    lc = body.get("log_config")
    if lc is not None:
        if not isinstance(lc, dict) or set(lc) - LOG_KEYS:
            raise bad("invalid parameter: log_config takes %s" % sorted(LOG_KEYS))
        for k in ("group_id", "stream_id"):
            if not isinstance(lc.get(k), str) or not ID_RE.match(lc[k]):
                raise bad("invalid parameter: log_config.%s is required (an LTS id)" % k)
    enc = body.get("encrypted_user_data")
    if enc:
        try:
            env = json.loads(enc)
        except (TypeError, ValueError):
            raise bad("invalid parameter: encrypted_user_data must be a JSON object string")
        if not isinstance(env, dict) or not all(ENV_KEY_RE.match(k) and isinstance(v, str)
                                                for k, v in env.items()):
            raise bad("invalid parameter: encrypted_user_data must map variable names to strings")
        if len(enc) + len(body.get("user_data") or "") > 4096:
            raise bad("environment variables exceed 4 KB", "FSS.1018")


def apply_config(fn, body, create=False):
    """Stores the settings fields of a create or a whole-configuration update."""
    cfg = fn["config"]
    for k, default in DEFAULTS.items():
        if create and k == "strategy_config":
            cfg.setdefault(k, {"concurrency": -1})
            continue
        v = body.get(k)
        cfg[k] = json.loads(json.dumps(v)) if v not in (None, "") else default
        if k == "func_vpc" and cfg[k] is not None:
            cfg[k] = dict(cfg[k], vpc_name=cfg[k].get("vpc_name", "vpc-" + cfg[k]["vpc_id"][:8]))
    if body.get("log_config"):
        lc = dict(body["log_config"])
        cfg["log_config"] = lc
        cfg["log_group_id"], cfg["log_stream_id"] = lc["group_id"], lc["stream_id"]
    if "encrypted_user_data" in body:
        fn["encrypted_user_data"] = body["encrypted_user_data"] or ""
    cfg.setdefault("reserved_instance_count", 0)
    cfg.pop("encrypted_user_data", None)


def snapshot(fn):
    """What the tests see of a function's settings (the control endpoint, not the API)."""
    enc = fn.get("encrypted_user_data") or ""
    return {"reserved_instance_count": fn["config"].get("reserved_instance_count", 0),
            "async_invoke_config": fn.get("async_config"), "tags": fn.get("tags", {}),
            "encrypted_keys": sorted(json.loads(enc)) if enc else [],
            "encrypted_user_data": enc}


def reserved(store, urn, body):
    fn, q = store.get(urn)
    if q not in (None, "latest"):
        raise bad("only latest can be modified", "FSS.1011")
    if not isinstance(body, dict) or set(body) - {"count", "idle_mode", "tactics_config"}:
        raise bad("invalid parameter: the body takes count, idle_mode, tactics_config")
    count = int_in(body, "count", 0, 1000, "")
    if "idle_mode" in body and not isinstance(body["idle_mode"], bool):
        raise bad("invalid parameter: idle_mode must be a boolean")
    concurrency = (fn["config"].get("strategy_config") or {}).get("concurrency", -1)
    if concurrency > 0 and count > concurrency:
        raise bad("%d reserved instances exceed the function's concurrency %d"
                  % (count, concurrency), "FSS.1140")  # (fake code)
    fn["config"]["reserved_instance_count"] = count
    return 200, {"count": count, "idle_mode": bool(body.get("idle_mode")),
                 "tactics_config": body.get("tactics_config") or {}}


def check_async(store, fn, body):
    if not isinstance(body, dict) or set(body) - ASYNC_KEYS:
        raise bad("invalid parameter: unknown fields %s" %
                  sorted(set(body) - ASYNC_KEYS if isinstance(body, dict) else []))
    if "max_async_event_age_in_seconds" in body:
        int_in(body, "max_async_event_age_in_seconds", 1, 86400, "")
    if "max_async_retry_attempts" in body:
        int_in(body, "max_async_retry_attempts", 0, 3, "")
    if "enable_async_status_log" in body and not isinstance(body["enable_async_status_log"], bool):
        raise bad("invalid parameter: enable_async_status_log must be a boolean")
    dc = body.get("destination_config") or {}
    if not isinstance(dc, dict) or set(dc) - {"on_success", "on_failure"}:
        raise bad("invalid parameter: destination_config takes on_success and on_failure")
    for which, d in dc.items():
        if not isinstance(d, dict) or d.get("destination") not in DESTINATION_PARAM:
            raise bad("invalid parameter: destination_config.%s.destination must be one of %s"
                      % (which, sorted(DESTINATION_PARAM)))
        try:
            param = json.loads(d.get("param"))
        except (TypeError, ValueError):
            raise bad("invalid parameter: destination_config.%s.param must be a JSON string"
                      % which)
        key = DESTINATION_PARAM[d["destination"]]
        if not isinstance(param, dict) or not isinstance(param.get(key), str):
            raise bad("invalid parameter: destination_config.%s.param needs %s" % (which, key))
        if key == "func_urn":
            target = store.parse_urn(param[key])
            if not param[key].startswith("urn:fss:") or (target[0], target[1]) not in \
                    store.functions:
                raise bad("invalid parameter: func_urn %r is not the URN of a function"
                          % param[key])
            if target[1] == fn["config"]["func_name"]:
                raise bad("a function cannot be its own asynchronous destination")


def async_config(store, urn, method, body):
    fn, _ = store.get(urn)
    if method == "DELETE" or method == "GET":
        if fn.get("async_config") is None:
            raise ApiError(404, "FSS.0404", "no asynchronous invocation configuration")
        if method == "GET":
            return 200, fn["async_config"]
        fn["async_config"] = None
        return 204, None
    check_async(store, fn, body)
    prev = fn.get("async_config") or {}
    cfg = {"func_urn": store.urn(fn["config"]["package"], fn["config"]["func_name"], "latest"),
           "max_async_event_age_in_seconds": body.get("max_async_event_age_in_seconds", 3600),
           "max_async_retry_attempts": body.get("max_async_retry_attempts", 1),
           "destination_config": body.get("destination_config") or {},
           "enable_async_status_log": body.get("enable_async_status_log", False),
           "created_time": prev.get("created_time", now()), "last_modified": now()}
    fn["async_config"] = cfg
    return 200, cfg


def check_tags_body(body, action):
    if not isinstance(body, dict) or set(body) - {"tags", "sys_tags", "action"}:
        raise bad("invalid parameter: the body takes tags, sys_tags, action")
    if body.get("action", action) != action:
        raise bad("invalid parameter: action must be %r here" % action)
    tags = body.get("tags")
    if not isinstance(tags, list) or not tags:
        raise bad("invalid parameter: tags must be a non-empty list")
    keys = set()
    for t in tags:
        if not isinstance(t, dict) or set(t) - {"key", "value"}:
            raise bad("invalid parameter: a tag is {key, value}")
        key, value = t.get("key"), t.get("value", "")
        if not isinstance(key, str) or not TAG_KEY_RE.match(key) or key.startswith("_sys_"):
            raise bad("invalid parameter: tag key %r" % (key,))
        if not isinstance(value, str) or not TAG_VALUE_RE.match(value):
            raise bad("invalid parameter: tag value %r" % (value,))
        if key in keys:
            raise bad("invalid parameter: tag key %r twice" % key)
        keys.add(key)
    return tags


def tags(store, urn, op, method, body):
    fn, q = store.get(urn)
    if q is not None:
        raise bad("invalid parameter: tags belong to the function URN without a version")
    current = fn.setdefault("tags", {})
    if op is None:
        return 200, {"tags": [{"key": k, "value": v} for k, v in sorted(current.items())],
                     "sys_tags": []}
    if (op, method) not in (("create", "POST"), ("delete", "DELETE")):
        raise ApiError(405, "FSS.0405", "Method not allowed")
    items = check_tags_body(body, op)
    if op == "create":
        merged = dict(current)
        merged.update({t["key"]: t.get("value", "") for t in items})
        if len(merged) > MAX_TAGS:
            raise bad("a function has at most %d tags" % MAX_TAGS, "FSS.1141")  # (fake code)
        fn["tags"] = merged
    else:
        for t in items:
            current.pop(t["key"], None)
    return 204, None
