# SPDX-License-Identifier: Apache-2.0
# fstage's Python runtime shim: loads the function once, runs the initializer once, then
# serves invocations from the supervisor over fd 3 until the channel closes.
#
# Channel protocol (both directions): one line of JSON, then exactly "len" bytes of body.
#   fstage -> shim: {"type":"invoke","request_id":..,"deadline_ms":..,"headers":{..},"len":N}
#                   (a request queued while another runs: "timeout_ms" instead of "deadline_ms",
#                   counted from its start, and "mark": its output ends with _end_marker(id))
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


def _end_marker(request_id):
    return b"\0fstage:end:" + request_id.encode() + b"\n"


def _same_pipe(a, b):
    try:
        x, y = os.fstat(a), os.fstat(b)
        return (x.st_dev, x.st_ino) == (y.st_dev, y.st_ino)
    except OSError:
        return False


# The marker goes once into each pipe: fstage serve gives stdout and stderr one pipe (one log
# stream, in the order written).
_MARKED_FDS = (1,) if _same_pipe(1, 2) else (2, 1)


def _answer(header, kind, body):
    """Sends the answer; first, when asked, the end of the request's output in each pipe."""
    if header.get("mark"):
        sys.stdout.flush()
        sys.stderr.flush()
        marker = _end_marker(header.get("request_id", ""))
        for fd in _MARKED_FDS:
            try:
                os.write(fd, marker)
            except OSError:
                pass  # the function closed it: the supervisor stops looking for the marker
    _send(kind, body)


def _receive(kind="invoke"):
    """The next frame of type `kind`; another kind (the init frame, when there is no
    initializer to read it) is skipped."""
    while True:
        line = _reader.readline()
        if not line:
            sys.exit(0)
        header = json.loads(line)
        size = header.get("len", 0)
        body = _reader.read(size) if size else b""
        if header.get("type", "invoke") == kind:
            return header, body


# The platform's error messages (its Node.js runtime's error.js and runtimeHandler.js; its
# Python and Node.js developer guides, "Return value" and "Initializer"): a handler that
# raises gives "function invocation exception, error: <message>" with the user's frames;
# a handler that cannot be loaded "function entry exception, error: "; a failed initializer
# "function initialization exception: " (the guides' wording); a result that cannot be
# serialised "function result is invalid, error: ".
_INVOKE = "function invocation exception, error: "
_ENTRY = "function entry exception, error: "
_INIT = "function initialization exception: "
_RESULT = "function result is invalid, error: "
_SHIM = os.path.abspath(__file__).rstrip("c")  # bootstrap.py, also when run as bootstrap.pyc


def _user_frames(tb):
    """The user's frames: the shim's dropped, and nothing after the last frame in the code
    directory (the interpreter's own frames under the user's call), as the platform's
    runtime cuts a stack (its errorHandler.js, buildUserStack)."""
    import traceback

    root = os.environ.get("RUNTIME_CODE_ROOT", "/opt/function/code").rstrip("/") + "/"
    frames = [f for f in traceback.extract_tb(tb) if os.path.abspath(f.filename) != _SHIM]
    last = max((i for i, f in enumerate(frames) if f.filename.startswith(root)), default=-1)
    if last >= 0:
        frames = frames[:last + 1]
    return [line.rstrip("\n") for line in traceback.format_list(frames)]


def _error_body(exc, prefix, frames=None):
    return json.dumps({
        "errorMessage": prefix + str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": _user_frames(exc.__traceback__) if frames is None else frames,
    }).encode()


def _result_error(exc, handler):
    """A result json cannot serialise: the frames are the interpreter's, so name the user's
    handler instead, the code that returned the value."""
    code = getattr(handler, "__code__", None)
    where = ['  File "%s", line %d, in %s' % (code.co_filename, code.co_firstlineno, code.co_name)
             ] if code else []
    return _error_body(exc, _RESULT, where)


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# Log lines: "<UTC time> <request id> <LEVEL> <message>", a message longer than 90 KiB split
# into lines of that size (the platform's logger.js and fn_runtime_log.py, MAX_SINGLE_LOG_SIZE).
_MAX_LOG_LINE = 90 * 1024
_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40, "CRITICAL": 50,
           "FATAL": 50}
_NAMES = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}
_current = {"request_id": ""}  # the request whose log lines these are


def _format(message, args):
    """msg % args, as logging does; arguments that are not format arguments are joined with
    spaces instead, as the platform's Python logger does (logger.info("a:", b) -> "a: b")."""
    if len(args) == 1 and isinstance(args[0], dict) and args[0]:
        args = args[0]
    if args:
        try:
            return str(message) % args
        except (TypeError, ValueError, KeyError):
            args = tuple(args.values()) if isinstance(args, dict) else args
            return " ".join(str(a) for a in (message,) + tuple(args))
    return str(message)


def _write_log(level_name, text):
    now = time.time()
    stamp = "%s.%03dZ %s %s " % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)),
                                 int(now * 1000) % 1000, _current["request_id"], level_name)
    chunks = [text[i:i + _MAX_LOG_LINE] for i in range(0, len(text), _MAX_LOG_LINE)] or [""]
    sys.stdout.write("".join(stamp + c + "\n" for c in chunks))


def _level(level):
    if isinstance(level, int):
        return level
    if str(level).upper() in _LEVELS:
        return _LEVELS[str(level).upper()]
    raise ValueError("Unknown level: %r" % (level,))


class RuntimeLogger:
    """context.getLogger(): the platform hands out the logging module's root logger with its
    handler attached (fn_runtime_log.py), so this has the logging.Logger methods, without
    the cost of importing logging on every cold start."""

    def __init__(self):
        self.level = 20

    def setLevel(self, level):
        self.level = _level(level)

    def getEffectiveLevel(self):
        return self.level

    def isEnabledFor(self, level):
        return level >= self.level

    def log(self, level, msg, *args, exc_info=None, **_):
        level = _level(level)
        if level < self.level:
            return
        text = _format(msg, args)
        if exc_info:
            import traceback

            if not isinstance(exc_info, tuple):
                exc_info = sys.exc_info()
            if exc_info[0] is not None:
                text += "\n" + "".join(traceback.format_exception(*exc_info)).rstrip("\n")
        _write_log(_NAMES.get(level, "Level %d" % level), text)

    def debug(self, msg, *args, **kw):
        self.log(10, msg, *args, **kw)

    def info(self, msg, *args, **kw):
        self.log(20, msg, *args, **kw)

    def warning(self, msg, *args, **kw):
        self.log(30, msg, *args, **kw)

    warn = warning

    def error(self, msg, *args, **kw):
        self.log(40, msg, *args, **kw)

    def exception(self, msg, *args, exc_info=True, **kw):
        self.log(40, msg, *args, exc_info=exc_info, **kw)

    def critical(self, msg, *args, **kw):
        self.log(50, msg, *args, **kw)

    fatal = critical


class _LoggingHook:
    """The platform's runtime attaches its handler to the root logger of the logging module
    (fn_runtime_log.py, acquire_function_logger, level INFO), so a function's
    logging.info(...) is in its log. This does the same the moment the function imports
    logging, and not before: importing it costs a cold start more than all the rest."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        for finder in sys.meta_path:
            spec = None if finder is self else finder.find_spec(name, path, target)
            if spec is not None:
                spec.loader = _LoggingLoader(spec.loader)
                return spec
        return None


class _LoggingLoader:
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self._loader
        self._loader.exec_module(module)
        _attach_handler(module)


def _attach_handler(logging):
    class Handler(logging.Handler):
        def emit(self, record):
            text = _format(record.msg, record.args if isinstance(record.args, tuple)
                           else (record.args,))
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                text += "\n" + record.exc_text
            _write_log(record.levelname, text)

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(Handler())


def _user_data():
    try:
        data = json.loads(os.environ.get("RUNTIME_USERDATA") or "{}")
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


_USER_DATA = _user_data()


class Context:
    """The Context of the platform's Python runtime (its fn_runtime_context/context.py:
    attributes and methods, the same types: memory and cpu are the environment's strings,
    timeout is in milliseconds, as getRunningTimeInSeconds() returns it), plus the methods
    the platform documents for every runtime (PLATFORM.md 1.8) in camelCase."""

    def __init__(self, request_id, deadline_ms, headers, timeout_s):
        h = {k.lower(): v for k, v in (headers or {}).items()}
        env = os.environ
        self._deadline_ms = deadline_ms
        self.function_name = env.get("RUNTIME_FUNC_NAME", "")
        self.package = env.get("RUNTIME_PACKAGE", "")
        self.project_id = env.get("RUNTIME_PROJECT_ID", "")
        self.function_version = env.get("RUNTIME_FUNC_VERSION", "")
        self.memory = env.get("RUNTIME_MEMORY") or "0"
        self.cpu = env.get("RUNTIME_CPU") or "0"
        self.user_data = _USER_DATA
        self.timeout = timeout_s * 1000
        self.start_time = int(time.time() * 1000)
        self.request_id = request_id
        self.access_key = h.get("x-cff-access-key", "")
        self.secret_key = h.get("x-cff-secret-key", "")
        self.security_access_key = h.get("x-cff-security-access-key", "")
        self.security_secret_key = h.get("x-cff-security-secret-key", "")
        self.auth_token = h.get("x-cff-auth-token", "")
        self.security_token = h.get("x-cff-security-token", "")
        self.logger = RuntimeLogger()  # at INFO for each request, as the platform does
        self.invoke_id = request_id
        self.invoke_property = h.get("x-cff-invoke-property") or None
        self.from_task = False
        self.instance_id = None
        self.state = None
        self.trace_id = h.get("x-cff-trace-id") or request_id
        self.alias = h.get("x-cff-origin-version-tag") or env.get("RUNTIME_ALIAS", "")
        self.workflow_id = h.get("x-cff-workflow-id", "")
        self.workflow_run_id = h.get("x-cff-workflow-run-id", "")
        self.workflow_state_id = h.get("x-cff-workflow-state-id", "")

    def getRequestID(self):
        return self.request_id

    def getRemainingTimeInMilliSeconds(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def getAccessKey(self):
        return self.access_key

    def getSecretKey(self):
        return self.secret_key

    def getSecurityAccessKey(self):
        return self.security_access_key

    def getSecuritySecretKey(self):
        return self.security_secret_key

    def getSecurityToken(self):
        return self.security_token

    def getToken(self):
        return self.auth_token

    def getUserData(self, key):
        return self.user_data.get(key)

    def getFunctionName(self):
        return self.function_name

    def getVersion(self):
        return self.function_version

    def getPackage(self):
        return self.package

    def getProjectID(self):
        return self.project_id

    def getAlias(self):
        return self.alias

    def getRunningTimeInSeconds(self):
        return self.timeout

    def getMemorySize(self):
        return self.memory

    def getCPUNumber(self):
        return self.cpu

    def getLogger(self):
        return self.logger

    def getWorkflowID(self):
        return self.workflow_id

    def getWorkflowRunID(self):
        return self.workflow_run_id

    def getWorkflowStateID(self):
        return self.workflow_state_id

    def get_invoke_property(self):
        return self.invoke_property

    def get_trace_id(self):
        return self.trace_id

    def get_invoke_id(self):
        return self.invoke_id

    def get_instance_id(self):
        return self.instance_id

    def set_instance_id(self, instance_id):
        self.instance_id = instance_id

    def get_state(self):
        return self.state

    def set_state(self, state):
        self.state = state

    getInvokeProperty = get_invoke_property
    getTraceID = get_trace_id
    getInvokeID = get_invoke_id
    getInstanceID = get_instance_id
    getState = get_state
    setState = set_state


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
        raise AttributeError("handler '%s' not found in module './%s.py'" % (name, module_path)
                             ) from None


def _serialise(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def _own_id():
    import uuid

    return str(uuid.uuid4())


def _initialize(spec):
    init_timeout = _env_int("RUNTIME_INITIALIZER_TIMEOUT", 3)
    # The initializer runs as a request of its own, with its own id in the log lines: the id
    # fstage gives it in its first frame, which fstage's log tags its output with too.
    # (Without one, an id of its own, as the Node.js and Java shims do; uuid is imported only
    # then: it costs 13 ms of every cold start.)
    _current["request_id"] = _receive("init")[0].get("request_id") or _own_id()
    init = _load(spec)
    deadline = int(time.time() * 1000) + init_timeout * 1000
    _send("init_start")  # initializer_timeout counts from here
    init(Context(_current["request_id"], deadline, {}, init_timeout))


def main():
    code_root = os.environ.get("RUNTIME_CODE_ROOT", "/opt/function/code")
    sys.path[0] = code_root  # not the shim's own directory
    os.chdir(code_root)
    # sys.stderr writes to the stdout pipe, both a line at a time: a function's print()s and
    # its writes to stderr stay in the order it made them (and a line printed just before a
    # timeout is not lost in a buffer). (Not dup2(1, 2): the stderr pipe's end would close,
    # and the supervisor's poll would wake for it over and over.)
    if hasattr(sys.stdout, "reconfigure"):  # Python 3.7 and later
        sys.stdout.reconfigure(line_buffering=True)
    sys.stderr = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")
    sys.meta_path.insert(0, _LoggingHook())
    timeout_s = _env_int("RUNTIME_TIMEOUT", 3)
    try:
        handler = _load(os.environ["RUNTIME_HANDLER"])
    except BaseException as exc:  # noqa: B902 - report everything, including SystemExit
        _send("init_error", _error_body(exc, _ENTRY))
        return
    initializer = os.environ.get("RUNTIME_INITIALIZER_HANDLER")
    try:
        if initializer:
            _initialize(initializer)
    except BaseException as exc:  # noqa: B902
        _send("init_error", _error_body(exc, _INIT))
        return
    _send("ready")
    while True:
        header, event_bytes = _receive()
        _current["request_id"] = header.get("request_id", "")
        deadline = (int(time.time() * 1000) + header["timeout_ms"] if "timeout_ms" in header
                    else header.get("deadline_ms", 0))
        context = Context(_current["request_id"], deadline, header.get("headers"), timeout_s)
        logging = sys.modules.get("logging")
        if logging is not None:
            logging.root.setLevel(20)  # as the platform's runtime sets it for each request
        try:
            event = json.loads(event_bytes) if event_bytes else {}
            result = handler(event, context)
        except Exception as exc:
            _answer(header, "error", _error_body(exc, _INVOKE))
            continue
        try:
            body = _serialise(result)
        except Exception as exc:
            _answer(header, "error", _result_error(exc, handler))
            continue
        _answer(header, "result", body)


main()
