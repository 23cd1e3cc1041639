# SPDX-License-Identifier: Apache-2.0
"""A strict local FunctionGraph v2 + IAM API for fstage's tests (Python 3 stdlib only).

    /usr/bin/python3 tests/fakecloud/server.py --port-file FILE [--ak AK --sk SK] [--token T]
        [--project-id ID] [--region R ...] [--clock-offset SECONDS] [--lifetime SECONDS]
        [--parent-pid PID] [--tls-cert CERT --tls-key KEY]

Binds 127.0.0.1 on an ephemeral port, prints the port and writes it to --port-file. Stops by
itself after --lifetime seconds (default 300) or when --parent-pid exits.

Every API request must be signed (SDK-HMAC-SHA256, verified with sign.py, an implementation
independent of fstage's) or carry the configured X-Auth-Token. Stale X-Sdk-Date (more than 15
minutes from the server clock, which --clock-offset or POST /__clock can skew) is rejected.

Control endpoints (unauthenticated, for tests):
  GET  /__state     functions with config, versions, aliases, triggers; dependencies with their
                    versions; workflows as shown; request count
  GET  /__requests  every request seen: method, path, status, fault, auth verdict, headers
  POST /__faults    {"faults": [{"method": "PUT", "path": "regex", "count": 1, "status": 503,
                     "retry_after": 1, "delay": 2.5, "drop": "before"|"after",
                     "error_code": "FSS.1071", "error_msg": "..."}]} - applied to the next
                     `count` matching requests, first match first
  POST /__clock     {"offset": seconds}
  POST /__reset     forget everything

OBS objects (obs.py): PUT/HEAD/GET /<bucket>/<key> for the buckets named by --obs-bucket, signed
with OBS's own scheme; FunctionGraph accepts code_type obs with a code_url naming such an object.
"""
import argparse
import email.utils
import hashlib
import hmac
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # keep the source tree clean
import deps
import fgs
import fgs_more
import obs
import observe
import settings
import sign
import workflow_runs
import workflows

MAX_BODY = 80 << 20
SKEW = 15 * 60


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.clock_offset = args.clock_offset
        self.reset()

    def reset(self):
        self.store = fgs.Store(self.args.region[0], self.args.project_id)
        self.faults = []
        self.requests = []

    def take_fault(self, method, path):
        for fault in self.faults:
            if fault.get("count", 1) <= 0:
                continue
            if fault.get("method") and fault["method"] != method:
                continue
            if fault.get("path") and not re.search(fault["path"], path):
                continue
            fault["count"] = fault.get("count", 1) - 1
            return fault
        return None


def auth_error(msg):
    return fgs.ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: " + msg)


def verify(state, method, path, query, headers, body):
    """Raises ApiError unless the request is signed with a known AK/SK or carries the token."""
    args = state.args
    token = headers.get("x-auth-token")
    if token is not None:
        if not args.token or not hmac.compare_digest(token, args.token):
            raise fgs.ApiError(401, "APIGW.0307", "The token must be updated or is invalid")
        return
    fields = sign.parse_authorization(headers.get("authorization"))
    if fields is None:
        raise auth_error("Authorization header missing or malformed")
    if not hmac.compare_digest(fields["Access"], args.ak):
        raise auth_error("access key not found")
    signed = fields["SignedHeaders"].split(";")
    if "x-sdk-date" not in signed or any(h not in headers for h in signed):
        raise auth_error("a signed header is missing (x-sdk-date must be signed)")
    if "x-security-token" in headers and "x-security-token" not in signed:
        raise auth_error("X-Security-Token must be signed")
    if args.security_token and headers.get("x-security-token") != args.security_token:
        raise auth_error("security token invalid or missing")
    date = sign.parse_sdk_date(headers["x-sdk-date"])
    if date is None:
        raise auth_error("X-Sdk-Date is not YYYYMMDDTHHMMSSZ")
    if abs(time.time() + state.clock_offset - date.timestamp()) > SKEW:
        raise auth_error("request expired: X-Sdk-Date is more than 15 minutes from server time")
    body_hash = headers.get("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()
    creq = sign.canonical_request(method, path, query, headers, signed, body_hash)
    want = sign.signature(args.sk, sign.string_to_sign(creq, headers["x-sdk-date"]))
    if not hmac.compare_digest(want, fields["Signature"]):
        raise auth_error("verify aksk signature fail")


URN = r"(?P<urn>[^/]+)"
ROUTES = [
    (r"/v3/projects", "iam"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions", "functions"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/config" % URN, "config"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/code" % URN, "code"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/versions" % URN, "versions"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/aliases" % URN, "aliases"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/aliases/(?P<name>[^/]+)" % URN, "alias"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/invocations" % URN, "invoke"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/invocations-async" % URN, "invoke_async"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/lts-log-detail" % URN, "log_detail"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/statistics/(?P<period>[^/]+)" % URN, "statistics"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/reservedinstances" % URN, "reserved"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s/async-invoke-config" % URN, "async_config"),
    (r"/v2/(?P<pid>[^/]+)/functions/%s/tags" % URN, "tags"),
    (r"/v2/(?P<pid>[^/]+)/functions/%s/tags/(?P<op>create|delete)" % URN, "tags"),
    (r"/v2/(?P<pid>[^/]+)/fgs/functions/%s" % URN, "function"),
    (r"/v2/(?P<pid>[^/]+)/fgs/triggers/%s" % URN, "triggers"),
    (r"/v2/(?P<pid>[^/]+)/fgs/triggers/%s/(?P<kind>[^/]+)/(?P<tid>[^/]+)" % URN, "trigger"),
    (r"/v2/(?P<pid>[^/]+)/fgs/dependencies", "dependencies"),
    (r"/v2/(?P<pid>[^/]+)/fgs/dependencies/version", "dependency_create"),
    (r"/v2/(?P<pid>[^/]+)/fgs/dependencies/(?P<dep>[^/]+)/version", "dependency_versions"),
    (r"/v2/(?P<pid>[^/]+)/fgs/dependencies/(?P<dep>[^/]+)/version/(?P<ver>[^/]+)",
     "dependency_version"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows", "workflows"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows/(?P<wid>[^/]+)", "workflow"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows/(?P<wid>[^/]+)/(?P<kind>executions|sync-executions)",
     "runs"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows/(?P<wid>[^/]+)/executions/(?P<eid>[^/]+)", "run"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows/(?P<wid>[^/]+)/executions/(?P<eid>[^/]+)/"
     r"(?P<op>retry|terminate)", "run_op"),
    (r"/v2/(?P<pid>[^/]+)/fgs/workflows/(?P<wid>[^/]+)/callback", "callback"),
    (r"/v2/(?P<pid>[^/]+)/groups/(?P<gid>[^/]+)/streams/(?P<sid>[^/]+)/content/query", "logs"),
]
ALLOWED = {"iam": "GET", "functions": "GET POST", "config": "GET PUT", "code": "GET PUT",
           "versions": "GET POST", "aliases": "GET POST", "alias": "GET PUT DELETE",
           "invoke": "POST", "invoke_async": "POST", "log_detail": "GET", "statistics": "GET",
           "function": "DELETE",
           "triggers": "GET POST DELETE", "trigger": "GET PUT DELETE", "logs": "POST",
           "dependencies": "GET", "dependency_create": "POST", "dependency_versions": "GET",
           "dependency_version": "GET DELETE", "workflows": "GET POST DELETE",
           "workflow": "GET PUT", "runs": "GET POST", "run": "GET", "run_op": "POST",
           "callback": "POST", "reserved": "PUT", "async_config": "GET PUT DELETE",
           "tags": "GET POST DELETE"}


def dispatch(state, method, path, query, headers, raw):
    """-> (status, body, extra headers)."""
    for pattern, name in ROUTES:
        m = re.fullmatch(pattern, path)
        if m:
            break
    else:
        raise fgs.ApiError(404, "FSS.0404", "Not found the resource")
    if method not in ALLOWED[name].split():
        raise fgs.ApiError(405, "FSS.0405", "Method not allowed")
    p = m.groupdict()
    store = state.store
    q = dict(query)
    if name == "iam":
        projects = [{"id": state.args.project_id, "name": r, "domain_id": store.domain_id,
                     "enabled": True, "is_domain": False, "parent_id": store.domain_id}
                    for r in state.args.region if r == q.get("name", r)]
        return 200, {"projects": projects, "links": {"self": "/v3/projects"}}, {}
    if p["pid"] != state.args.project_id or headers.get("x-project-id", p["pid"]) != p["pid"]:
        raise fgs.ApiError(403, "FSS.0403", "The project id does not match the credentials")
    body = None
    if (method in ("POST", "PUT") and name not in ("invoke", "invoke_async")) or (
            method == "DELETE" and name in ("workflows", "tags")):
        if not headers.get("content-type", "").startswith("application/json"):
            raise fgs.bad("Content-Type must be application/json")
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            raise fgs.bad("the request body is not valid JSON")
    urn = p.get("urn")
    if name == "functions":
        return (store.list(q) if method == "GET" else store.create(body)) + ({},)
    if name == "config":
        return (store.get_config(urn) if method == "GET" else store.update_config(urn, body)) + ({},)
    if name == "code":
        return (store.get_code(urn) if method == "GET" else store.update_code(urn, body)) + ({},)
    if name == "function":
        return store.delete(urn) + ({},)
    if name == "reserved":
        return settings.reserved(store, urn, body) + ({},)
    if name == "async_config":
        return settings.async_config(store, urn, method, body) + ({},)
    if name == "tags":
        if p.get("op") is None and method != "GET":
            raise fgs.ApiError(405, "FSS.0405", "Method not allowed")
        return settings.tags(store, urn, p.get("op"), method, body) + ({},)
    if name == "versions":
        r = (fgs_more.list_versions(store, urn, q) if method == "GET"
             else fgs_more.publish(store, urn, body))
        return r + ({},)
    if name == "aliases":
        r = (fgs_more.list_aliases(store, urn) if method == "GET"
             else fgs_more.create_alias(store, urn, body))
        return r + ({},)
    if name == "alias":
        return fgs_more.alias_op(store, urn, p["name"], method, body) + ({},)
    if name in ("invoke", "invoke_async"):
        tail = headers.get("x-cff-log-type", "").lower() == "tail"
        return fgs_more.invoke(store, urn, raw, tail, name == "invoke_async")
    if name == "log_detail":
        return fgs_more.log_detail(store, urn) + ({},)
    if name == "statistics":
        return observe.statistics(store, urn, p["period"]) + ({},)
    if name == "triggers":
        r = (fgs_more.create_trigger(store, urn, body) if method == "POST"
             else fgs_more.triggers_op(store, urn, method))
        return r + ({},)
    if name == "dependencies":
        return deps.list_dependencies(store, q) + ({},)
    if name == "dependency_create":
        return deps.create_version(store, body) + ({},)
    if name == "dependency_versions":
        return deps.list_versions(store, p["dep"], q) + ({},)
    if name == "dependency_version":
        return deps.version_op(store, p["dep"], p["ver"], method) + ({},)
    if name == "workflows":
        r = {"GET": lambda: workflows.list_workflows(store, q),
             "POST": lambda: workflows.create(store, body),
             "DELETE": lambda: workflows.delete(store, body)}[method]()
        return r + ({},)
    if name == "workflow":
        r = (workflows.show(store, p["wid"]) if method == "GET"
             else workflows.update(store, p["wid"], body))
        return r + ({},)
    if name == "runs":
        if p["kind"] == "sync-executions" and method == "GET":
            raise fgs.ApiError(405, "FSS.0405", "Method not allowed")
        r = (workflow_runs.list_runs(store, p["wid"], q) if method == "GET"
             else workflow_runs.start(store, p["wid"], body, p["kind"] == "sync-executions"))
        return r + ({},)
    if name == "run":
        return workflow_runs.show(store, p["wid"], p["eid"]) + ({},)
    if name == "run_op":
        op = workflow_runs.retry if p["op"] == "retry" else workflow_runs.terminate
        return op(store, p["wid"], p["eid"]) + ({},)
    if name == "callback":
        return workflow_runs.callback(store, p["wid"], headers, body) + ({},)
    if name == "trigger":
        return fgs_more.trigger_op(store, urn, p["kind"], p["tid"], method, body) + ({},)
    return observe.query_logs(store, p["gid"], p["sid"], body) + ({},)


def snapshot(store):
    out = []
    for (package, name), fn in sorted(store.functions.items()):
        out.append({"package": package, "name": name, "config": fn["config"],
                    "files": fn["files"], "versions": list(fn["order"]),
                    "version_digests": {v: fn["versions"][v]["digest"] for v in fn["order"]},
                    "aliases": fn["aliases"], "triggers": fn["triggers"],
                    "settings": settings.snapshot(fn)})
    dependencies = [{"id": d["id"], "name": d["name"],
                     "versions": [d["versions"][n] for n in sorted(d["versions"])]}
                    for d in sorted(store.dependencies.values(), key=lambda d: d["name"])]
    flows = sorted(store.workflows.values(), key=lambda w: w["name"])
    objects = [{"bucket": b, "key": k, "size": len(o["data"]), "etag": o["etag"]}
               for (b, k), o in sorted(store.obs_objects.items())]
    return {"functions": out, "dependencies": dependencies, "workflows": flows,
            "obs_objects": objects}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server_version = "fakecloud/1"
    state = None  # set in main

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            sys.stderr.write("fakecloud: " + fmt % args + "\n")

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + self.state.clock_offset, usegmt=True)

    def reply(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reply_raw(self, status, data, headers):
        """OBS answers: bytes as they are; a HEAD gets the headers only (Content-Length the
        object's)."""
        self.send_response(status)
        headers = dict(headers)
        headers.setdefault("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_one(self):
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        limit = obs.MAX_OBJECT if obs.is_obs_path(path) else MAX_BODY
        if length > limit:
            self.close_connection = True
            return self.reply(413, {"error_code": "FSS.1071",
                                    "error_msg": "The request body is too large"})
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        state = self.state
        if path.startswith("/__"):
            return self.control(path, raw)
        record = {"method": self.command, "path": path, "query": query, "fault": None,
                  "auth": "ok", "headers": sorted(headers),
                  "x-cff-log-type": headers.get("x-cff-log-type"), "bytes": length,
                  "authorization": headers.get("authorization"),
                  "signature": (sign.parse_authorization(headers.get("authorization")) or
                                {}).get("Signature")}
        with state.lock:
            state.requests.append(record)
            fault = state.take_fault(self.command, path)
        if fault:
            record["fault"] = {k: v for k, v in fault.items() if k != "count"}
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault.get("drop") == "before":
                record["status"] = "dropped"
                return self.drop()
            if fault.get("status"):
                record["status"] = fault["status"]
                extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
                body = {"error_code": fault.get("error_code", "FSS.0%d" % fault["status"]),
                        "error_msg": fault.get("error_msg", "injected fault")}
                return self.reply(int(fault["status"]), body, extra)
        if obs.is_obs_path(path):
            with state.lock:
                status, data, extra = obs.handle(state, self.command, path, headers, raw)
            record["status"] = status
            record["auth"] = extra.get("x-obs-error-code", "ok") if status == 403 else "ok"
            return self.reply_raw(status, data, extra)
        try:
            verify(state, self.command, path, query, headers, raw)
            with state.lock:
                status, body, extra = dispatch(state, self.command, path, query, headers, raw)
        except fgs.ApiError as e:
            record["auth"] = e.msg if e.status == 401 else "ok"
            status, body, extra = e.status, {"error_code": e.code, "error_msg": e.msg}, {}
        record["status"] = status
        if fault and fault.get("drop") == "after":
            record["status"] = "dropped after %s" % status
            return self.drop()
        self.reply(status, body, extra)

    def control(self, path, raw):
        state = self.state
        body = json.loads(raw or b"{}")
        with state.lock:
            if path == "/__state":
                return self.reply(200, snapshot(state.store) | {"requests": len(state.requests)})
            if path == "/__requests":
                return self.reply(200, state.requests)
            if path == "/__faults" and self.command == "POST":
                state.faults.extend(body.get("faults", []))
                return self.reply(200, {"queued": len(state.faults)})
            if path == "/__faults":
                return self.reply(200, state.faults)
            if path == "/__clock":
                state.clock_offset = float(body.get("offset", 0))
                return self.reply(200, {"offset": state.clock_offset})
            if path == "/__reset":
                state.reset()
                return self.reply(200, {})
        return self.reply(404, {"error_code": "FSS.0404", "error_msg": "no such control path"})

    def do_GET(self):
        self.handle_one()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser(description="strict local FunctionGraph API for tests")
    ap.add_argument("--port-file")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ak", default="AKFAKECLOUD000000000")
    ap.add_argument("--sk", default="SKFAKECLOUD0000000000000000000000000000000")
    ap.add_argument("--security-token", default="")
    ap.add_argument("--token", default="")
    ap.add_argument("--project-id", default="0123456789abcdef0123456789abcdef")
    ap.add_argument("--region", action="append", default=[])
    ap.add_argument("--obs-bucket", action="append", default=[],
                    help="an OBS bucket that exists (repeatable; obs.py)")
    ap.add_argument("--clock-offset", type=float, default=0.0)
    ap.add_argument("--lifetime", type=float, default=300.0)
    ap.add_argument("--parent-pid", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.region = args.region or ["cn-north-4"]
    Handler.state = State(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print(port, flush=True)

    def watchdog():
        deadline = time.time() + args.lifetime
        while time.time() < deadline:
            if args.parent_pid:
                try:
                    os.kill(args.parent_pid, 0)
                except OSError:
                    break
            time.sleep(0.5)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
