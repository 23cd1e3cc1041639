# SPDX-License-Identifier: Apache-2.0
"""Checks that the fake server's dependency routes accept the documented shapes and reject
malformed requests the way DEPENDENCIES.md says the real API does. Starts its own server.
Exit 0 when every check passes."""
import base64
import hashlib
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
AK, SK = "AKDEPSSELFTEST000000", "SKDEPSSELFTEST00000000000000000000000000"
PID = "0123456789abcdef0123456789abcdef"
failures = []


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def call(base, method, path, body=None):
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    url = base + "/v2/" + PID + "/fgs" + path
    req = urllib.request.Request(url, data=data or None, method=method,
                                 headers=sign.sign_headers(AK, SK, method, url, data, PID))
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def expect(name, got, status, code=None):
    if got[0] != status or (code and got[1].get("error_code") != code):
        failures.append("%s: got %s %s, want %s %s" % (name, got[0], got[1], status, code or ""))
    return got[1]


def main():
    tmp = tempfile.mkdtemp(prefix="deps-selftest-")
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
    print("fakecloud dependencies: all checks pass")
    return 0


def run(base):
    data = zip_bytes({"python/lib.py": "X = 1\n"})
    good = {"depend_type": "zip", "depend_file": base64.b64encode(data).decode(),
            "runtime": "Python3.10", "name": "mylib", "description": "d"}
    v1 = expect("create", call(base, "POST", "/dependencies/version", good), 200)
    if v1.get("etag") != hashlib.md5(data).hexdigest() or v1.get("version") != 1:
        failures.append("create: etag is not the MD5 of the zip, or version is not 1: %s" % v1)
    bad_cases = [
        ("missing name", {k: v for k, v in good.items() if k != "name"}, 400, "FSS.0400"),
        ("name pattern", good | {"name": "1lib"}, 400, "FSS.0400"),
        ("name ends with -", good | {"name": "lib-"}, 400, "FSS.0400"),
        ("name too long", good | {"name": "a" * 97}, 400, "FSS.0400"),
        ("name not a string", good | {"name": 7}, 400, "FSS.0400"),
        ("runtime", good | {"runtime": "Python9"}, 400, "FSS.1005"),
        ("depend_type", good | {"depend_type": "tar"}, 400, "FSS.1032"),
        ("no depend_file", {k: v for k, v in good.items() if k != "depend_file"}, 400, "FSS.0400"),
        ("bad base64", good | {"depend_file": "not base64!"}, 400, "FSS.0400"),
        ("not a zip", good | {"depend_file": base64.b64encode(b"hello").decode()}, 400,
         "FSS.1024"),
        ("file name ends with ~", good | {"depend_file": base64.b64encode(
            zip_bytes({"a.py~": ""})).decode()}, 400, "FSS.1024"),
        ("description too long", good | {"description": "x" * 513}, 400, "FSS.1019"),
        ("body not an object", [1], 400, "FSS.0400"),
    ]
    for name, body, status, code in bad_cases:
        expect(name, call(base, "POST", "/dependencies/version", body), status, code)
    expect("invalid JSON", call(base, "POST", "/dependencies/version", b"{"), 400, "FSS.0400")
    v2 = expect("second version", call(base, "POST", "/dependencies/version", good), 200)
    listed = expect("list", call(base, "GET", "/dependencies?name=mylib"), 200)
    if [d["id"] for d in listed["dependencies"]] != [v1["dep_id"]] or listed["count"] != 1:
        failures.append("list: %s" % listed)
    versions = expect("versions", call(base, "GET", "/dependencies/%s/version" % v1["dep_id"]), 200)
    if [v["version"] for v in versions["dependencies"]] != [1, 2]:
        failures.append("versions: %s" % versions)
    expect("versions of unknown", call(base, "GET", "/dependencies/nope/version"), 404, "FSS.1056")
    expect("get", call(base, "GET", "/dependencies/%s/version/2" % v1["dep_id"]), 200)
    expect("get unknown", call(base, "GET", "/dependencies/%s/version/9" % v1["dep_id"]), 404,
           "FSS.1056")
    expect("get non-number", call(base, "GET", "/dependencies/%s/version/x" % v1["dep_id"]), 404,
           "FSS.1056")
    fn = {"func_name": "f", "package": "default", "runtime": "Python3.10", "handler": "index.h",
          "memory_size": 128, "timeout": 3, "code_type": "zip",
          "func_code": {"file": base64.b64encode(zip_bytes({"index.py": ""})).decode()}}
    for name, ids, status, code in [
            ("unknown version id", ["nope"], 404, "FSS.1056"),
            ("not an array", v1["id"], 400, "FSS.0400"),
            ("not strings", [1], 400, "FSS.0400"),
            ("twice", [v1["id"], v1["id"]], 400, "FSS.1024"),
            ("more than 20", ["x%d" % i for i in range(21)], 403, "FSS.1045")]:
        expect("create function: " + name,
               call(base, "POST", "/functions", fn | {"depend_version_list": ids}), status, code)
    expect("other runtime", call(base, "POST", "/functions", fn | {
        "runtime": "Node.js18.15", "depend_version_list": [v1["id"]]}), 400, "FSS.1024")
    created = expect("create function", call(base, "POST", "/functions",
                                             fn | {"depend_version_list": [v1["id"]]}), 200)
    if created.get("depend_version_list") != [v1["id"]] or \
            [d["version"] for d in created.get("dependencies", [])] != [1]:
        failures.append("create function: depend_version_list not returned: %s" % created)
    expect("delete in use", call(base, "DELETE", "/dependencies/%s/version/1" % v1["dep_id"]),
           412, "FSS.1033")
    code = {"code_type": "zip", "func_code": fn["func_code"], "depend_version_list": [v2["id"]]}
    got = expect("update code", call(base, "PUT", "/functions/f/code", code), 200)
    if got.get("depend_version_list") != [v2["id"]]:
        failures.append("update code: depend_version_list not returned: %s" % got)
    cfg = expect("config", call(base, "GET", "/functions/f/config"), 200)
    if cfg.get("depend_version_list") != [v2["id"]]:
        failures.append("config: depend_version_list: %s" % cfg)
    code.pop("depend_version_list")
    got = expect("update code without the list", call(base, "PUT", "/functions/f/code", code), 200)
    if got.get("depend_version_list") != [v2["id"]]:
        failures.append("update code without a list changed it: %s" % got)
    expect("delete unused", call(base, "DELETE", "/dependencies/%s/version/1" % v1["dep_id"]),
           204)
    expect("delete again", call(base, "DELETE", "/dependencies/%s/version/1" % v1["dep_id"]),
           404, "FSS.1056")


if __name__ == "__main__":
    sys.exit(main())
