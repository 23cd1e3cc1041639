# SPDX-License-Identifier: Apache-2.0
# fstage's Python runtime shim: loads the function once, runs the initializer once, then
# serves invocations from the supervisor over fd 3 until the channel closes.
#
# Channel protocol (both directions): one line of JSON, then exactly "len" bytes of body.
#   fstage -> shim: {"type":"invoke","request_id":..,"deadline_ms":..,"headers":{..},"len":N}
#   shim -> fstage: {"type":"ready"} | {"type":"init_error","len":N} | {"type":"result","len":N}
#                   | {"type":"error","len":N}   (error bodies: errorMessage/errorType/stackTrace)
import json
import os
import sys
import time

_CHANNEL = 3
_reader = open(_CHANNEL, "rb", buffering=1 << 16, closefd=False)


def _send(kind, body=b""):
    sys.stdout.flush()
    sys.stderr.flush()
    data = json.dumps({"type": kind, "len": len(body)}).encode() + b"\n" + body
    view = memoryview(data)
    while view:
        view = view[os.write(_CHANNEL, view):]


def _receive():
    line = _reader.readline()
    if not line:
        sys.exit(0)
    header = json.loads(line)
    size = header.get("len", 0)
    return header, (_reader.read(size) if size else b"")


def _error_body(exc):
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    # Drop the shim's own frames: the user's stack starts at their code.
    frames = [f for f in frames if not f.filename.endswith("runtime/python/bootstrap.py")]
    return json.dumps({
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": [line.rstrip("\n") for line in traceback.format_list(frames)],
    }).encode()


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40}


class RuntimeLogger:
    """context.getLogger(): lines "<UTC time> <request id> <message>" on stdout."""

    def __init__(self, request_id):
        self._request_id = request_id
        self._level = 20

    def setLevel(self, level):
        self._level = _LEVELS.get(str(level).upper(), self._level)

    def _emit(self, level, message, args):
        if level < self._level:
            return
        text = str(message) % args if args else str(message)
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
        sys.stdout.write("%s.%03dZ %s %s\n" % (stamp, int(now * 1000) % 1000,
                                              self._request_id, text))

    def log(self, message, *args):
        self._emit(20, message, args)

    def debug(self, message, *args):
        self._emit(10, message, args)

    def info(self, message, *args):
        self._emit(20, message, args)

    def warn(self, message, *args):
        self._emit(30, message, args)

    warning = warn

    def error(self, message, *args):
        self._emit(40, message, args)


def _user_data():
    try:
        data = json.loads(os.environ.get("RUNTIME_USERDATA") or "{}")
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


_USER_DATA = _user_data()
_STATE = {"state": None}


class Context:
    """The FunctionGraph Context API (PLATFORM.md §1.8)."""

    def __init__(self, request_id, deadline_ms, headers, timeout_s):
        self._request_id = request_id
        self._deadline_ms = deadline_ms
        self._headers = {k.lower(): v for k, v in (headers or {}).items()}
        self._timeout_s = timeout_s
        self._logger = RuntimeLogger(request_id)

    def _header(self, name):
        return self._headers.get(name.lower(), "")

    def getRequestID(self):
        return self._request_id

    def getRemainingTimeInMilliSeconds(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def getAccessKey(self):
        return self._header("X-CFF-Access-Key")

    def getSecretKey(self):
        return self._header("X-CFF-Secret-Key")

    def getSecurityAccessKey(self):
        return self._header("X-CFF-Security-Access-Key")

    def getSecuritySecretKey(self):
        return self._header("X-CFF-Security-Secret-Key")

    def getSecurityToken(self):
        return self._header("X-CFF-Security-Token")

    def getToken(self):
        return self._header("X-CFF-Auth-Token")

    def getUserData(self, key, default=None):
        return _USER_DATA.get(key, default)

    def getFunctionName(self):
        return os.environ.get("RUNTIME_FUNC_NAME", "")

    def getVersion(self):
        return os.environ.get("RUNTIME_FUNC_VERSION", "latest")

    def getPackage(self):
        return os.environ.get("RUNTIME_PACKAGE", "default")

    def getProjectID(self):
        return os.environ.get("RUNTIME_PROJECT_ID", "")

    def getAlias(self):
        return self._header("X-Cff-Origin-Version-Tag") or os.environ.get("RUNTIME_ALIAS", "")

    def getRunningTimeInSeconds(self):
        return self._timeout_s

    def getMemorySize(self):
        return _env_int("RUNTIME_MEMORY", 128)

    def getCPUNumber(self):
        return _env_int("RUNTIME_CPU", 300)

    def getLogger(self):
        return self._logger

    def getInvokeProperty(self):
        return self._header("X-Cff-Invoke-Property")

    def getTraceID(self):
        return self._header("X-Cff-Trace-Id") or self._request_id

    def getInvokeID(self):
        return self._request_id

    def getInstanceID(self):
        return os.environ.get("FSTAGE_INSTANCE_ID", "")

    def getState(self):
        return _STATE["state"]

    def setState(self, state):
        _STATE["state"] = state

    def getWorkflowID(self):
        return self._header("X-Cff-Workflow-Id")

    def getWorkflowRunID(self):
        return self._header("X-Cff-Workflow-Run-Id")

    def getWorkflowStateID(self):
        return self._header("X-Cff-Workflow-State-Id")


def _load(spec):
    """'src/index.handler' -> the function handler of $RUNTIME_CODE_ROOT/src/index.py."""
    module_path, _, name = spec.rpartition(".")
    if not module_path or not name:
        raise ValueError("handler '%s' is not of the form file.function" % spec)
    # importlib.import_module without importing importlib (and warnings with it): __import__
    # loads the module (a dotted one with its parents) and sys.modules has it.
    dotted = module_path.replace("/", ".")
    __import__(dotted)
    module = sys.modules[dotted]
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError("module '%s' has no function '%s'" % (module_path, name)) from None


def _serialise(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def main():
    code_root = os.environ.get("RUNTIME_CODE_ROOT", "/opt/function/code")
    sys.path[0] = code_root  # not the shim's own directory
    os.chdir(code_root)
    timeout_s = _env_int("RUNTIME_TIMEOUT", 3)
    try:
        handler = _load(os.environ["RUNTIME_HANDLER"])
        initializer = os.environ.get("RUNTIME_INITIALIZER_HANDLER")
        if initializer:
            init_timeout = _env_int("RUNTIME_INITIALIZER_TIMEOUT", 3)
            # The initializer runs as a request of its own, with its own id in the log lines.
            h = os.urandom(16).hex()  # a version 4 UUID, without importing uuid
            init_id = "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3],
                                             h[17:20], h[20:])
            init = _load(initializer)
            deadline = int(time.time() * 1000) + init_timeout * 1000
            _send("init_start")  # initializer_timeout counts from here
            init(Context(init_id, deadline, {}, init_timeout))
    except BaseException as exc:  # noqa: B902 - report everything, including SystemExit
        _send("init_error", _error_body(exc))
        return
    _send("ready")
    while True:
        header, event_bytes = _receive()
        context = Context(header.get("request_id", ""), header.get("deadline_ms", 0),
                          header.get("headers"), timeout_s)
        try:
            event = json.loads(event_bytes) if event_bytes else {}
            body = _serialise(handler(event, context))
        except Exception as exc:
            _send("error", _error_body(exc))
            continue
        _send("result", body)


main()
