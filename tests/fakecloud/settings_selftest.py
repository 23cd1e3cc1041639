# SPDX-License-Identifier: Apache-2.0
"""Checks settings.py: each rule refuses what the API refuses and keeps what it keeps, on a
Store without HTTP. Exit 0 when all hold."""
import base64
import io
import json
import sys
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
import fgs
import settings

failures = []


def expect_error(name, fn, *args, status=400):
    try:
        fn(*args)
    except fgs.ApiError as e:
        if e.status != status:
            failures.append("%s: status %d, want %d (%s)" % (name, e.status, status, e.msg))
        return
    failures.append("%s: accepted, want %d" % (name, status))


def check(name, ok):
    if not ok:
        failures.append(name)


def zip_b64():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(e, c): return e\n")
    return base64.b64encode(buf.getvalue()).decode()


store = fgs.Store("cn-north-4", "0123456789abcdef0123456789abcdef")
base = {"func_name": "f", "package": "default", "runtime": "Python3.10", "handler": "index.handler",
        "memory_size": 128, "timeout": 3}
store.create(dict(base, code_type="zip", func_code={"file": zip_b64()}))
store.create(dict(base, func_name="g", code_type="zip", func_code={"file": zip_b64()}))
fn = store.functions[("default", "f")]
urn = store.urn("default", "f")


def put(fields=None, **kw):
    return store.update_config(urn, dict(base, **(fields or {}), **kw))


# configuration fields
expect_error("vpc without an agency", put, dict(func_vpc={"vpc_id": "v-1", "subnet_id": "s-1"}))
expect_error("vpc unknown field", put, dict(xrole="a", func_vpc={"vpc_id": "v", "subnet_id": "s",
                                                             "zone": "z"}))
expect_error("vpc without subnet", put, dict(xrole="a", func_vpc={"vpc_id": "v"}))
put(xrole="fgs_vpc", func_vpc={"vpc_id": "v-1", "subnet_id": "s-1"})
check("vpc kept with a vpc_name", fn["config"]["func_vpc"]["vpc_id"] == "v-1" and
      fn["config"]["func_vpc"]["vpc_name"])
put()
check("a PUT without func_vpc/xrole detaches them", fn["config"]["func_vpc"] is None and
      fn["config"]["xrole"] == "")
expect_error("agency with a slash", put, dict(xrole="a/b"))
expect_error("concurrency 1001", put, dict(strategy_config={"concurrency": 1001}))
expect_error("concurrency -2", put, dict(strategy_config={"concurrency": -2}))
expect_error("concurrent_num 0", put, dict(strategy_config={"concurrency": 5, "concurrent_num": 0}))
expect_error("strategy unknown field", put, dict(strategy_config={"concurrency": 5, "max": 1}))
put(strategy_config={"concurrency": 5, "concurrent_num": 10})
check("strategy kept", fn["config"]["strategy_config"] == {"concurrency": 5, "concurrent_num": 10})
expect_error("reserved over concurrency", settings.reserved, store, urn, {"count": 6})
expect_error("reserved unknown field", settings.reserved, store, urn, {"count": 1, "x": 1})
expect_error("reserved -1", settings.reserved, store, urn, {"count": -1})
settings.reserved(store, urn, {"count": 5})
check("reserved count in the model", store.model(fn)["reserved_instance_count"] == 5)
expect_error("concurrency below reserved", put, dict(strategy_config={"concurrency": 4}))
expect_error("pre_stop_timeout 91", put, dict(pre_stop_handler="index.stop", pre_stop_timeout=91,
             strategy_config={"concurrency": 5}))
expect_error("pre_stop_timeout without handler", put, dict(pre_stop_timeout=5,
             strategy_config={"concurrency": 5}))
expect_error("log_config without stream", put, dict(log_config={"group_id": "g"},
             strategy_config={"concurrency": 5}))
put(log_config={"group_id": "g-1", "stream_id": "s-1"}, strategy_config={"concurrency": 5})
check("log ids in the model", store.model(fn)["log_group_id"] == "g-1")
put(encrypted_user_data='{"PASSWORD": "p"}', strategy_config={"concurrency": 5})
check("encrypted values never in the model", "encrypted_user_data" not in store.model(fn) and
      settings.snapshot(fn)["encrypted_keys"] == ["PASSWORD"])
put(strategy_config={"concurrency": 5})
check("encrypted_user_data left out is kept", settings.snapshot(fn)["encrypted_keys"] ==
      ["PASSWORD"])
expect_error("encrypted not an object", put, dict(encrypted_user_data="[1]",
             strategy_config={"concurrency": 5}))

# async configuration
expect_error("no async config yet", settings.async_config, store, urn, "GET", None, status=404)
expect_error("retries 4", settings.async_config, store, urn, "PUT", {"max_async_retry_attempts": 4})
expect_error("age 0", settings.async_config, store, urn, "PUT",
             {"max_async_event_age_in_seconds": 0})
expect_error("async unknown field", settings.async_config, store, urn, "PUT", {"retries": 1})
expect_error("destination param not a string", settings.async_config, store, urn, "PUT",
             {"destination_config": {"on_failure": {"destination": "OBS",
                                                    "param": {"bucket": "b"}}}})
expect_error("destination a bare name", settings.async_config, store, urn, "PUT",
             {"destination_config": {"on_failure": {"destination": "FunctionGraph",
                                                    "param": '{"func_urn": "g"}'}}})
expect_error("destination itself", settings.async_config, store, urn, "PUT",
             {"destination_config": {"on_failure": {
                 "destination": "FunctionGraph", "param": json.dumps({"func_urn": urn})}}})
status, _ = settings.async_config(store, urn, "PUT", {
    "max_async_retry_attempts": 2, "destination_config": {"on_failure": {
        "destination": "FunctionGraph",
        "param": json.dumps({"func_urn": store.urn("default", "g", "latest")})}}})
check("async put", status == 200 and fn["async_config"]["max_async_retry_attempts"] == 2)
check("async delete", settings.async_config(store, urn, "DELETE", None)[0] == 204)
expect_error("async delete twice", settings.async_config, store, urn, "DELETE", None, status=404)

# tags
expect_error("tag key with a space", settings.tags, store, urn, "create", "POST",
             {"tags": [{"key": "a b", "value": ""}], "action": "create"})
expect_error("tag value of 37", settings.tags, store, urn, "create", "POST",
             {"tags": [{"key": "a", "value": "x" * 37}], "action": "create"})
expect_error("_sys_ key", settings.tags, store, urn, "create", "POST",
             {"tags": [{"key": "_sys_a", "value": ""}], "action": "create"})
expect_error("action mismatch", settings.tags, store, urn, "create", "POST",
             {"tags": [{"key": "a", "value": ""}], "action": "delete"})
expect_error("tags of a version", settings.tags, store, urn + ":latest", None, "GET", None)
settings.tags(store, urn, "create", "POST",
              {"tags": [{"key": "team", "value": "pay"}, {"key": "env", "value": "dev"}],
               "action": "create"})
expect_error("21 tags", settings.tags, store, urn, "create", "POST",
             {"tags": [{"key": "k%d" % i, "value": ""} for i in range(19)], "action": "create"})
settings.tags(store, urn, "delete", "DELETE", {"tags": [{"key": "env", "value": "dev"}],
                                               "action": "delete"})
check("tags listed", settings.tags(store, urn, None, "GET", None)[1]["tags"] ==
      [{"key": "team", "value": "pay"}])

for f in failures:
    print(f, file=sys.stderr)
print("settings selftest: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
