# SPDX-License-Identifier: Apache-2.0
# A minimal Debug Adapter Protocol client (Python stdlib only: a socket and Content-Length
# framing), as an editor drives debugpy: attach with a path mapping, set a breakpoint in the
# host's file, wait for the stop there, read the frame's locals, evaluate an expression, continue.
#
# usage: dap_client.py PORT HOST_FILE LINE HOST_ROOT REMOTE_ROOT VAR EXPR
# Prints "stopped <path>:<line>", "local <VAR> = <value>", "eval <EXPR> = <value>"; exits 1 with
# the reason on anything else.
import json
import socket
import sys
import time

port, host_file, line, host_root, remote_root, var, expr = sys.argv[1:8]
line = int(line)


def die(msg):
    print("dap_client: " + msg, file=sys.stderr)
    sys.exit(1)


deadline = time.time() + 30
while True:
    try:
        sock = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
        break
    except OSError as e:
        if time.time() > deadline:
            die("cannot connect: %s" % e)
        time.sleep(0.2)

buf = b""
seq = 0
pending = []  # messages read while waiting for another


def send(command, **arguments):
    global seq
    seq += 1
    body = json.dumps({"seq": seq, "type": "request", "command": command,
                       "arguments": arguments}).encode()
    sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return seq


def read_message():
    global buf
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            die("the debugger closed the connection")
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    size = int([h.split(b":")[1] for h in head.split(b"\r\n")
                if h.lower().startswith(b"content-length")][0])
    while len(buf) < size:
        chunk = sock.recv(65536)
        if not chunk:
            die("the debugger closed the connection")
        buf += chunk
    body, buf = buf[:size], buf[size:]
    return json.loads(body)


def wait_for(pred, what):
    for i, m in enumerate(pending):
        if pred(m):
            return pending.pop(i)
    while True:
        m = read_message()
        if pred(m):
            return m
        pending.append(m)


def response(req_seq, what):
    m = wait_for(lambda m: m.get("type") == "response" and m.get("request_seq") == req_seq, what)
    if not m.get("success"):
        die("%s failed: %s" % (what, m.get("message")))
    return m.get("body", {})


def event(name):
    return wait_for(lambda m: m.get("type") == "event" and m.get("event") == name, name)


response(send("initialize", clientID="fstage-e2e", adapterID="debugpy", pathFormat="path",
              linesStartAt1=True, columnsStartAt1=True), "initialize")
attach = send("attach", justMyCode=False,
              pathMappings=[{"localRoot": host_root, "remoteRoot": remote_root}])
event("initialized")
bps = response(send("setBreakpoints", source={"path": host_file},
                    breakpoints=[{"line": line}]), "setBreakpoints")
if not bps.get("breakpoints"):
    die("breakpoint not accepted: %s" % bps)
response(send("configurationDone"), "configurationDone")
response(attach, "attach")

stopped = event("stopped")
if stopped["body"].get("reason") != "breakpoint":
    die("stopped for %s, not the breakpoint" % stopped["body"])
thread = stopped["body"]["threadId"]
frames = response(send("stackTrace", threadId=thread, levels=1), "stackTrace")["stackFrames"]
top = frames[0]
print("stopped %s:%d" % (top["source"].get("path"), top["line"]), flush=True)
if top["line"] != line or top["source"].get("path") != host_file:
    die("stopped at %s:%d, not %s:%d" % (top["source"].get("path"), top["line"], host_file, line))
scopes = response(send("scopes", frameId=top["id"]), "scopes")["scopes"]
local = [s for s in scopes if s["name"].lower().startswith("locals")][0]
variables = response(send("variables", variablesReference=local["variablesReference"]),
                     "variables")["variables"]
found = [v for v in variables if v["name"] == var]
if not found:
    die("no local %s among %s" % (var, [v["name"] for v in variables]))
print("local %s = %s" % (var, found[0]["value"]), flush=True)
value = response(send("evaluate", expression=expr, frameId=top["id"], context="repl"),
                 "evaluate")["result"]
print("eval %s = %s" % (expr, value), flush=True)
# The function may end (and its sandbox with it) before the response arrives.
send("continue", threadId=thread)
# Leave the function running to its end; the invocation's result is fstage's to print.
send("disconnect", terminateDebuggee=False)
time.sleep(0.5)
sock.close()
