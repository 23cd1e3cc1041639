# SPDX-License-Identifier: Apache-2.0
"""Checks that the fake server's workflow routes (workflows.py) accept FLOW.md §2's published
definition, answer in the Go SDK's shapes, and reject what the v2 model rejects: unknown fields,
bad types, states other than Operation/Sleep/End, dangling start/transition/ref_name/retry_ref,
function URNs that name no function. Starts its own server. Exit 0 when every check passes."""
import base64
import copy
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
import sign

HERE = os.path.dirname(os.path.abspath(__file__))
AK, SK = "AKFLOWSELFTEST000000", "SKFLOWSELFTEST00000000000000000000000000"
PID = "0123456789abcdef0123456789abcdef"
FN_URN = "urn:fss:cn-north-4:%s:function:default:test:latest" % PID
failures = []


def call(base, method, path, body=None, signed=True, headers=None):
    data = b"" if body is None else json.dumps(body).encode()
    url = base + "/v2/" + PID + "/fgs" + path
    headers = dict(sign.sign_headers(AK, SK, method, url, data, PID) if signed
                   else {"Content-Type": "application/json"}, **(headers or {}))
    req = urllib.request.Request(url, data=data or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def expect(name, got, status, code=None, says=None):
    body = got[1] or {}
    if (got[0] != status or (code and body.get("error_code") != code) or
            (says and says not in body.get("error_msg", ""))):
        failures.append("%s: got %s %s, want %s %s %s" % (name, got[0], got[1], status,
                                                         code or "", says or ""))
    return got[1]


# FLOW.md §2's published definition, with the URN of a function the test creates.
PUBLISHED = {
    "name": "workflow_test", "start": "test",
    "functions": [{"name": "test", "operation": FN_URN}],
    "constants": {},
    "states": [{"id": "test", "name": "test", "type": "Operation", "end": False,
                "transition": "end",
                "actions": [{"function_ref": {"ref_name": "test",
                                              "arguments": {"execution_name": "$.test"}}}]},
               {"id": "end", "name": "end", "type": "End", "end": True, "transition": "",
                "state_data_filter": {"input": "", "output": ""}, "actions": [],
                "action_mode": ""}],
    "retries": [{"name": "test"}]}


def mutated(change):
    body = copy.deepcopy(PUBLISHED)
    change(body)
    return body


def main():
    tmp = tempfile.mkdtemp(prefix="flows-selftest-")
    port_file = os.path.join(tmp, "port")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--port-file",
                               port_file, "--ak", AK, "--sk", SK, "--project-id", PID,
                               "--lifetime", "60", "--parent-pid", str(os.getpid())],
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        base = "http://127.0.0.1:" + open(port_file).read().strip()
        run(base)
    finally:
        server.kill()
        server.wait()
    if failures:
        print("\n".join(failures))
        return 1
    print("fakecloud workflows: all checks pass")
    return 0


def rejections():
    """(name, body, status, error_code, text the message must hold)"""
    def state(i, **kw):
        return lambda b: b["states"][i].update(kw)
    return [
        ("unknown top-level field", mutated(lambda b: b.update(shape="x")), 400, "FSS.0400",
         "unknown field body.shape"),
        ("unknown state field", mutated(state(0, next="end")), 400, "FSS.0400",
         "states[0].next"),
        ("unknown function_ref field", mutated(
            lambda b: b["states"][0]["actions"][0]["function_ref"].update(ref="test")),
         400, "FSS.0400", "function_ref.ref"),
        ("name missing", mutated(lambda b: b.pop("name")), 400, "FSS.0400", "body.name"),
        ("constants missing", mutated(lambda b: b.pop("constants")), 400, "FSS.0400",
         "constants"),
        ("end not a bool", mutated(state(0, end="false")), 400, "FSS.0400", "states[0].end"),
        ("duration not an integer", mutated(state(0, type="Sleep", duration="5")), 400,
         "FSS.0400", "duration"),
        ("functions not a list", mutated(lambda b: b.update(functions={})), 400, "FSS.0400",
         "functions"),
        ("Switch state", mutated(state(0, type="Switch")), 400, "FSS.0400", "'Switch'"),
        ("Parallel state", mutated(state(0, type="Parallel")), 400, "FSS.0400", "'Parallel'"),
        ("Sleep without duration", mutated(state(0, type="Sleep")), 400, "FSS.0400",
         "duration is required"),
        ("dangling start", mutated(lambda b: b.update(start="nowhere")), 400, "FSS.0400",
         "start 'nowhere'"),
        ("dangling transition", mutated(state(0, transition="nowhere")), 400, "FSS.0400",
         "transition 'nowhere'"),
        ("dangling ref_name", mutated(
            lambda b: b["states"][0]["actions"][0]["function_ref"].update(ref_name="other")),
         400, "FSS.0400", "ref_name 'other'"),
        ("dangling retry_ref", mutated(state(0, on_errors=[{"error": "*", "retry_ref": "no"}])),
         400, "FSS.0400", "retry_ref 'no'"),
        ("dangling on_errors transition", mutated(
            state(0, on_errors=[{"error": "*", "transition": "gone"}])), 400, "FSS.0400",
         "transition 'gone'"),
        ("duplicate state ids", mutated(state(1, id="test")), 400, "FSS.0400", "not unique"),
        ("bad name", mutated(lambda b: b.update(name="a b")), 400, "FSS.0400", "name"),
        ("bad mode", mutated(lambda b: b.update(mode="FAST")), 400, "FSS.0400", "mode"),
        ("bad trigger type", mutated(lambda b: b.update(
            triggers=[{"trigger_name": "t", "trigger_type": "TIMER"}])), 400, "FSS.0400",
         "trigger_type"),
        ("function that does not exist", mutated(lambda b: b["functions"][0].update(
            operation=FN_URN.replace(":test:", ":missing:"))), 404, "FSS.1051", "missing"),
        ("not a URN", mutated(lambda b: b["functions"][0].update(operation="test")), 400,
         "FSS.0400", "not a function URN"),
        ("another project's URN", mutated(lambda b: b["functions"][0].update(
            operation=FN_URN.replace(PID, "f" * 32))), 403, "FSS.0403", None),
    ]


def run(base):
    wf = "/workflows"
    expect("unsigned create", call(base, "POST", wf, PUBLISHED, signed=False), 401, "APIGW.0301")
    expect("published definition before its function exists", call(base, "POST", wf, PUBLISHED),
           404, "FSS.1051")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    fn = {"func_name": "test", "package": "default", "runtime": "Python3.10",
          "handler": "index.handler", "memory_size": 128, "timeout": 30, "code_type": "zip",
          "func_code": {"file": base64.b64encode(buf.getvalue()).decode()}}
    expect("create function", call(base, "POST", "/functions", fn), 200)
    for name, body, status, code, says in rejections():
        expect(name, call(base, "POST", wf, body), status, code, says)
    expect("nothing created by the rejections", call(base, "GET", wf), 200)
    listed = call(base, "GET", wf)[1]
    if listed.get("total") != 0:
        failures.append("rejected bodies left workflows behind: %s" % listed)
    created = expect("create the published definition", call(base, "POST", wf, PUBLISHED), 200)
    want = {"id", "workflow_urn", "name", "description", "created_time", "updated_time",
            "created_by"}
    if set(created or {}) != want:
        failures.append("create answer keys %s, want %s" % (sorted(created or {}), sorted(want)))
        return
    if created["workflow_urn"] != "urn:fss:cn-north-4:%s:workflow:default:workflow_test:latest" \
            % PID:
        failures.append("workflow_urn %s" % created["workflow_urn"])
    expect("create twice", call(base, "POST", wf, PUBLISHED), 409)
    shown = expect("show", call(base, "GET", wf + "/" + created["id"]), 200)
    if shown["states"][0]["actions"] != PUBLISHED["states"][0]["actions"]:
        failures.append("show changed the actions: %s" % shown["states"][0]["actions"])
    if (shown["mode"], shown["states"][1]["action_mode"], shown["retries"]) != (
            "NORMAL", "sequential", [{"name": "test", "delay": 1, "max_attempts": 3}]):
        failures.append("show's defaults: %s %s %s" % (shown["mode"],
                                                      shown["states"][1]["action_mode"],
                                                      shown["retries"]))
    listed = expect("list", call(base, "GET", wf), 200)
    if [w["id"] for w in listed["workflows"]] != [created["id"]] or listed["total"] != 1:
        failures.append("list: %s" % listed)
    expect("list with a bad limit", call(base, "GET", wf + "?limit=0"), 400, "FSS.0400")
    changed = mutated(lambda b: b["states"][0]["actions"][0]["function_ref"]["arguments"].update(
        extra="$.x"))
    expect("update", call(base, "PUT", wf + "/" + created["id"], changed), 200)
    shown = call(base, "GET", wf + "/" + created["id"])[1]
    if shown["states"][0]["actions"][0]["function_ref"]["arguments"].get("extra") != "$.x":
        failures.append("update not applied: %s" % shown["states"][0])
    expect("update with a Switch", call(base, "PUT", wf + "/" + created["id"],
                                        mutated(lambda b: b["states"][0].update(type="Switch"))),
           400, "FSS.0400", "Switch")
    expect("rename", call(base, "PUT", wf + "/" + created["id"],
                          mutated(lambda b: b.update(name="other"))), 400, "FSS.0400")
    expect("update unknown id", call(base, "PUT", wf + "/nope", PUBLISHED), 404, "FSS.0404")
    expect("show unknown id", call(base, "GET", wf + "/nope"), 404, "FSS.0404")
    expect("delete without urns", call(base, "DELETE", wf, {}), 400, "FSS.0400")
    expect("delete an unknown urn", call(base, "DELETE", wf, {"workflow_urns": ["urn:x"]}), 404)
    expect("delete", call(base, "DELETE", wf, {"workflow_urns": [created["workflow_urn"]]}), 204)
    expect("show after delete", call(base, "GET", wf + "/" + created["id"]), 404, "FSS.0404")


if __name__ == "__main__":
    sys.exit(main())
