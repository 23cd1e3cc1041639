# SPDX-License-Identifier: Apache-2.0
"""The FunctionGraph v2 subset fstage uses: state and strict request validation.

Every handler returns (status, body) where body is JSON-serialisable (or None for 204), or raises
ApiError. Field names, status codes and error shapes follow PLATFORM.md §4; error codes not
documented there are marked "(fake)".

Sync invoke does not run code: it echoes. result = JSON string of
{"echo": <event>, "function": <name>, "version": <version>, "handler": <handler>}, and the log is
two platform-shaped lines around "<handler> called". An event {"fail": "msg"} makes the
"function" fail: X-Is-Func-Err: true and result {"errorMessage": msg, "errorType": "Error"}.
"""
import base64
import binascii
import datetime
import hashlib
import io
import json
import re
import uuid
import zipfile

RUNTIMES = {"Java8", "Java11", "Java17", "Python2.7", "Python3.6", "Python3.9", "Python3.10",
            "Python3.12", "Go1.8", "Go1.x", "Node.js6.10", "Node.js8.10", "Node.js10.16",
            "Node.js12.13", "Node.js14.18", "Node.js16.17", "Node.js18.15", "Node.js20.15",
            "C#(.NET Core 2.0)", "C#(.NET Core 2.1)", "C#(.NET Core 3.1)", "C#(.NET Core 6.0)",
            "Custom", "PHP7.3", "PHP8.3", "Cangjie1.0", "http", "Custom Image"}
MEMORY = {128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240}
CODE_TYPES = {"inline", "zip", "obs", "jar", "Custom-Image-Swr"}
TRIGGER_TYPES = {"TIMER", "APIG", "CTS", "DDS", "DMS", "DIS", "LTS", "OBS", "SMN", "KAFKA"}
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$|^[A-Za-z]$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,41}$")
MAX_ZIP = 50 << 20
MAX_OBS_ZIP = 300 << 20
MAX_VERSIONS = 20
MANAGED_CONFIG = ("runtime", "handler", "memory_size", "timeout", "user_data", "description",
                  "initializer_handler", "initializer_timeout")


class ApiError(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def bad(msg, code="FSS.0400"):
    return ApiError(400, code, msg)


def now():
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def require(body, fields):
    if not isinstance(body, dict):
        raise bad("request body must be a JSON object")
    for f in fields:
        if f not in body or body[f] is None or body[f] == "":
            raise bad("invalid parameter: %s is required" % f)


def check_int(body, field, lo, hi):
    v = body.get(field)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise bad("invalid parameter: %s must be an integer in [%d, %d]" % (field, lo, hi))


def check_config(body):
    if body["runtime"] not in RUNTIMES:
        raise bad("invalid parameter: runtime %r is not supported" % body["runtime"])
    if body["memory_size"] not in MEMORY:
        raise bad("invalid parameter: memory_size must be one of %s" % sorted(MEMORY))
    check_int(body, "timeout", 3, 259200)
    if not isinstance(body["handler"], str) or not 1 <= len(body["handler"]) <= 128:
        raise bad("invalid parameter: handler must be 1-128 characters")
    if len(body.get("description") or "") > 512:
        raise bad("description is longer than 512 characters", "FSS.1019")
    if body.get("initializer_handler"):
        check_int(body, "initializer_timeout", 1, 300)
    user_data = body.get("user_data")
    if user_data:
        try:
            env = json.loads(user_data)
        except (TypeError, ValueError):
            raise bad("invalid parameter: user_data must be a JSON object string")
        if not isinstance(env, dict) or not all(
                re.match(r"^[A-Za-z][A-Za-z0-9_]*$", k) and isinstance(v, str)
                for k, v in env.items()):
            raise bad("invalid parameter: user_data must map variable names to strings")
        if len(user_data) > 4096:
            raise bad("environment variables exceed 4 KB", "FSS.1018")


def decode_code(body, store):
    """Validates the code of an upload: func_code.file of a zip, or the OBS object code_url
    names (code_type obs); returns (zip bytes, entry names)."""
    if body.get("code_type") not in CODE_TYPES:
        raise bad("invalid parameter: code_type must be one of %s" % sorted(CODE_TYPES))
    if body["code_type"] == "obs":
        import obs
        url = body.get("code_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise bad("invalid parameter: code_url is required for code_type obs")
        if body.get("func_code"):
            raise bad("invalid parameter: func_code is not allowed with code_type obs (fake)")
        obj = obs.object_for_url(store, url)
        if obj is None:
            raise bad("invalid parameter: code_url %s is not an OBS object that exists (fake)"
                      % url)
        if len(obj["data"]) > MAX_OBS_ZIP:
            raise ApiError(413, "FSS.1071", "The code package exceeds 300 MB")
        return check_zip(obj["data"])
    if body["code_type"] != "zip":
        raise bad("only code_type zip and obs are implemented by this test server (fake)",
                  "FSS.0400")
    code = body.get("func_code")
    if not isinstance(code, dict) or not isinstance(code.get("file"), str) or not code["file"]:
        raise bad("invalid parameter: func_code.file is required for code_type zip")
    if len(code["file"]) > (MAX_ZIP * 4 // 3 + 4):
        raise ApiError(413, "FSS.1071", "The code package exceeds 50 MB; upload it through OBS")
    try:
        data = base64.b64decode(code["file"], validate=True)
    except (binascii.Error, ValueError):
        raise bad("invalid parameter: func_code.file is not valid base64")
    if len(data) > MAX_ZIP:
        raise ApiError(413, "FSS.1071", "The code package exceeds 50 MB; upload it through OBS")
    return check_zip(data)


def check_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if z.testzip() is not None:
                raise bad("invalid parameter: func_code.file is a corrupt zip")
            names = z.namelist()
    except zipfile.BadZipFile:
        raise bad("invalid parameter: func_code.file is not a zip archive")
    return data, names


import settings  # noqa: E402 (settings.py imports this module's helpers)


class Store:
    def __init__(self, region, project_id, domain_id="d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"):
        self.region, self.project_id, self.domain_id = region, project_id, domain_id
        self.functions = {}  # (package, name) -> dict
        self.logs = []       # {name, content, time, line_num} (observe.append_log)
        self.log_seq = 0
        self.invocations = []  # {name, time, duration, failed} (observe.statistics)
        self.dependencies = {}  # dep_id -> {"id", "name", "versions": {number: version}}
        self.workflows = {}  # workflow id -> definition as shown (workflows.py)
        self.obs_objects = {}  # (bucket, key) -> {"data", "etag", "content_type"} (obs.py)

    # -- dependency versions (deps.py) ------------------------------------------------------
    def dependency_version(self, version_id):
        for dep in self.dependencies.values():
            for record in dep["versions"].values():
                if record["id"] == version_id:
                    return record
        return None

    def depend_users(self):
        """(function[:version], depend_version_list) of latest and every published version."""
        for (_, name), fn in self.functions.items():
            yield name, fn["config"].get("depend_version_list") or []
            for v, snap in fn["versions"].items():
                yield name + ":" + v, snap.get("depend_version_list") or []

    # -- URNs ---------------------------------------------------------------------------
    def urn(self, package, name, qualifier=None):
        base = "urn:fss:%s:%s:function:%s:%s" % (self.region, self.project_id, package, name)
        return base + (":" + qualifier if qualifier else "")

    def parse_urn(self, text):
        """name | package:name | project:package:name[:ver] | 7/8-field URN -> (pkg, name, q)."""
        parts = text.split(":")
        if parts[0] == "urn":
            if len(parts) not in (7, 8) or parts[1] != "fss" or parts[4] != "function":
                raise bad("invalid function urn")
            if parts[3] != self.project_id:
                raise ApiError(403, "FSS.0403", "the urn belongs to another project")
            return parts[5], parts[6], parts[7] if len(parts) == 8 else None
        if len(parts) == 1:
            return "default", parts[0], None
        if len(parts) == 2:
            return parts[0], parts[1], None
        if len(parts) in (3, 4):
            if parts[0] != self.project_id:
                raise ApiError(403, "FSS.0403", "the urn belongs to another project")
            return parts[1], parts[2], parts[3] if len(parts) == 4 else None
        raise bad("invalid function urn")

    def get(self, urn_text):
        package, name, qualifier = self.parse_urn(urn_text)
        fn = self.functions.get((package, name))
        if fn is None:
            raise ApiError(404, "FSS.1051", "Not found the function")
        return fn, qualifier

    def resolve_version(self, fn, qualifier):
        if qualifier in (None, "latest"):
            return "latest"
        if qualifier.startswith("!"):
            alias = fn["aliases"].get(qualifier[1:])
            if alias is None:
                raise ApiError(404, "FSS.1053", "Not found the alias")
            return alias["version"]
        if qualifier not in fn["versions"]:
            raise ApiError(404, "FSS.1052", "Not found the version")
        return qualifier

    # -- functions ------------------------------------------------------------------------
    def model(self, fn, version="latest"):
        cfg = fn["config"] if version == "latest" else fn["versions"][version]
        out = dict(cfg)
        out["version"] = version
        out["func_urn"] = self.urn(cfg["package"], cfg["func_name"], version)
        out["depend_version_list"] = list(cfg.get("depend_version_list") or [])
        out["dependencies"] = [dict(r) for r in map(self.dependency_version,
                                                    out["depend_version_list"]) if r]
        return out

    def create(self, body):
        require(body, ["func_name", "package", "runtime", "timeout", "handler", "memory_size",
                       "code_type"])
        if not NAME_RE.match(body["func_name"]):
            raise bad("invalid parameter: func_name %r" % body["func_name"])
        check_config(body)
        settings.check_config(body, create=True)
        import deps
        depend = deps.check_depend_list(self, body, body["runtime"])
        data, names = decode_code(body, self)
        key = (body["package"], body["func_name"])
        if key in self.functions:
            raise ApiError(409, "FSS.1061", "The function already exists")
        cfg = {k: body.get(k) for k in MANAGED_CONFIG}
        cfg.update({
            "func_id": str(uuid.uuid4()), "func_name": body["func_name"],
            "domain_id": self.domain_id, "namespace": self.project_id,
            "project_name": self.region, "package": body["package"],
            "cpu": max(300, body["memory_size"] * 300 // 512), "code_type": body["code_type"],
            "code_url": body.get("code_url") or "",
            "code_filename": body.get("code_filename") or "index.zip",
            "code_size": len(data), "digest": hashlib.sha512(data).hexdigest(),
            "user_data": body.get("user_data") or "", "description": body.get("description") or "",
            "initializer_handler": body.get("initializer_handler") or "",
            "initializer_timeout": body.get("initializer_timeout") or 0,
            "encrypted_user_data": "", "xrole": body.get("xrole") or "", "app_xrole": "",
            "image_name": "latest-" + str(uuid.uuid4())[:8], "type": body.get("type") or "v2",
            "strategy_config": {"concurrency": -1}, "last_modified": now(),
            "log_group_id": "lg-" + self.project_id[:8], "log_stream_id": "ls-" + body["func_name"],
            "depend_version_list": depend or [],
        })
        self.functions[key] = {"config": cfg, "files": names, "versions": {}, "order": [],
                               "aliases": {}, "triggers": []}
        settings.apply_config(self.functions[key], body, create=True)
        return 200, self.model(self.functions[key])

    def list(self, query):
        items = [self.model(f) for _, f in sorted(self.functions.items())]
        if query.get("package_name"):
            items = [f for f in items if f["package"] == query["package_name"]]
        if query.get("func_name"):
            items = [f for f in items if query["func_name"] in f["func_name"]]
        marker = int(query.get("marker") or 0)
        maxitems = int(query.get("maxitems") or 400)
        if not 1 <= maxitems <= 400:
            raise bad("invalid parameter: maxitems must be in [1, 400]")
        page = items[marker:marker + maxitems]
        return 200, {"functions": page, "next_marker": marker + len(page), "count": len(items)}

    def get_config(self, urn):
        fn, q = self.get(urn)
        return 200, self.model(fn, self.resolve_version(fn, q))

    def update_config(self, urn, body):
        fn, q = self.get(urn)
        if q not in (None, "latest"):
            raise bad("only latest can be modified", "FSS.1011")
        require(body, ["func_name", "runtime", "timeout", "handler", "memory_size"])
        if body["func_name"] != fn["config"]["func_name"]:
            raise bad("invalid parameter: func_name does not match the function")
        check_config(body)
        settings.check_config(body, fn)
        for k in MANAGED_CONFIG:
            if k in body:
                fn["config"][k] = body[k] if body[k] is not None else ""
        settings.apply_config(fn, body)
        fn["config"]["last_modified"] = now()
        return 200, self.model(fn)

    def get_code(self, urn):
        fn, q = self.get(urn)
        cfg = self.model(fn, self.resolve_version(fn, q))
        return 200, {k: cfg[k] for k in ("func_urn", "func_name", "runtime", "code_type",
                                         "code_url", "code_filename", "code_size", "digest",
                                         "last_modified", "depend_version_list",
                                         "dependencies")} | {"func_code": {"file": "", "link": ""}}

    def update_code(self, urn, body):
        fn, q = self.get(urn)
        if q not in (None, "latest"):
            raise bad("only latest can be modified", "FSS.1011")
        require(body, ["code_type"])
        import deps
        depend = deps.check_depend_list(self, body, fn["config"]["runtime"])
        data, names = decode_code(body, self)
        cfg = fn["config"]
        if depend is not None:  # absent: unchanged (DEPENDENCIES.md)
            cfg["depend_version_list"] = depend
        cfg.update({"code_size": len(data), "digest": hashlib.sha512(data).hexdigest(),
                    "code_type": body["code_type"], "code_url": body.get("code_url") or "",
                    "code_filename": body.get("code_filename") or cfg["code_filename"],
                    "last_modified": now()})
        fn["files"] = names
        return self.get_code(urn)

    def delete(self, urn):
        package, name, qualifier = self.parse_urn(urn)
        fn = self.functions.get((package, name))
        if fn is None:
            raise ApiError(404, "FSS.1051", "Not found the function")
        if qualifier in (None, "latest"):
            del self.functions[(package, name)]
            return 204, None
        if qualifier not in fn["versions"]:
            raise ApiError(404, "FSS.1052", "Not found the version")
        if any(a["version"] == qualifier for a in fn["aliases"].values()):
            raise bad("the version is referenced by an alias", "FSS.1056")
        del fn["versions"][qualifier]
        fn["order"].remove(qualifier)
        return 204, None
