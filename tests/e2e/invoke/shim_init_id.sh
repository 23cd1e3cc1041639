# The Python shim's initializer id. fstage names it in the channel's first frame, and the
# initializer's context and log lines carry it. A first frame with no id (another host, an
# older fstage) gets an id of the shim's own, a UUID, as in the Node.js and Java shims: never
# an empty one. The shim is driven directly here, over a socketpair on fd 3, so the frames are
# exactly these.
. "$(dirname "$0")/lib/invoke.sh"
mkdir -p "$T/code"
cat >"$T/code/index.py" <<'PY'
def init(context):
    print("init id=" + context.getRequestID(), flush=True)


def handler(event, context):
    return {"id": context.getRequestID()}
PY
"$PYTHON" - "$FSTAGE_SOURCE_DIR/sandbox/runtimes/python/bootstrap.py" "$T/code" <<'PY' ||
import json, os, re, socket, subprocess, sys

shim, code = sys.argv[1], sys.argv[2]


def run(first):
    ours, theirs = socket.socketpair()
    env = {"PATH": "/usr/bin:/bin", "RUNTIME_CODE_ROOT": code, "RUNTIME_HANDLER": "index.handler",
           "RUNTIME_INITIALIZER_HANDLER": "index.init"}
    p = subprocess.Popen([sys.executable, shim], env=env, stdout=subprocess.PIPE,
                         pass_fds=(theirs.fileno(), 3),
                         preexec_fn=lambda: os.dup2(theirs.fileno(), 3))
    theirs.close()
    ours.sendall((json.dumps(first) + "\n").encode())
    reader = ours.makefile("rb")
    kinds = []
    while not kinds or kinds[-1] not in ("ready", "init_error"):
        kinds.append(json.loads(reader.readline())["type"])
    assert kinds == ["init_start", "ready"], kinds
    reader.close()
    ours.close()
    out = p.communicate(timeout=10)[0].decode()
    m = re.search(r"init id=(\S*)", out)
    assert m, out
    return m.group(1)


assert run({"type": "init", "request_id": "fstage-init-1"}) == "fstage-init-1"
for first in ({"type": "init"}, {"type": "init", "request_id": ""}):
    got = run(first)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", got), (first, got)
print("ok")
PY
  fail "the Python shim's initializer id"
echo ok
