# SPDX-License-Identifier: Apache-2.0
# A minimal Chrome DevTools Protocol client for Node's inspector (Python stdlib only: the
# /json/list discovery over HTTP, then a WebSocket with masked text frames): set a breakpoint
# on the host's file through the path mapping, let the function run, wait for the stop there,
# read a local from the frame's scope, evaluate an expression, resume.
#
# usage: cdp_client.py PORT HOST_FILE LINE HOST_ROOT REMOTE_ROOT VAR EXPR
# Prints "stopped <url>:<line>", "local <VAR> = <json>", "eval <EXPR> = <json>".
import base64
import json
import os
import re
import socket
import struct
import sys
import time
import urllib.request

port, host_file, line, host_root, remote_root, var, expr = sys.argv[1:8]
line = int(line)


def die(msg):
    print("cdp_client: " + msg, file=sys.stderr)
    sys.exit(1)


deadline = time.time() + 30
while True:
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10) as r:
            targets = json.load(r)
        break
    except OSError as e:
        if time.time() > deadline:
            die("no inspector on port %s: %s" % (port, e))
        time.sleep(0.2)
path = "/" + targets[0]["webSocketDebuggerUrl"].split("/", 3)[3]

sock = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
              % (path, port, key)).encode())
buf = b""
while b"\r\n\r\n" not in buf:
    buf += sock.recv(4096)
head, buf = buf.split(b"\r\n\r\n", 1)
if b" 101 " not in head.split(b"\r\n")[0]:
    die("websocket handshake refused: %r" % head)


def recv_exact(n):
    global buf
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            die("the inspector closed the connection")
        buf += chunk
    out, buf = buf[:n], buf[n:]
    return out


def read_frame():
    data = b""
    while True:
        b0, b1 = recv_exact(2)
        size = b1 & 0x7F
        if size == 126:
            size = struct.unpack(">H", recv_exact(2))[0]
        elif size == 127:
            size = struct.unpack(">Q", recv_exact(8))[0]
        data += recv_exact(size)
        if b0 & 0x80:  # FIN
            return json.loads(data)


seq = 0
pending = []


def send(method, **params):
    global seq
    seq += 1
    payload = json.dumps({"id": seq, "method": method, "params": params}).encode()
    mask = os.urandom(4)
    size = len(payload)
    header = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else
                              bytes([0x80 | 126]) + struct.pack(">H", size) if size < 65536 else
                              bytes([0x80 | 127]) + struct.pack(">Q", size))
    sock.sendall(header + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))
    return seq


def wait_for(pred):
    for i, m in enumerate(pending):
        if pred(m):
            return pending.pop(i)
    while True:
        m = read_frame()
        if pred(m):
            return m
        pending.append(m)


def call(method, **params):
    i = send(method, **params)
    m = wait_for(lambda m: m.get("id") == i)
    if "error" in m:
        die("%s failed: %s" % (method, m["error"]))
    return m.get("result", {})


def paused():
    return wait_for(lambda m: m.get("method") == "Debugger.paused")["params"]


call("Runtime.enable")
call("Debugger.enable")
remote = remote_root.rstrip("/") + "/" + os.path.relpath(host_file, host_root)
bp = call("Debugger.setBreakpointByUrl", lineNumber=line - 1,
          urlRegex="^(file://)?" + re.escape(remote) + "$")
send("Runtime.runIfWaitingForDebugger")
# --inspect-brk: first the stop on the shim's first line, then ours.
while True:
    p = paused()
    if bp["breakpointId"] in p.get("hitBreakpoints", []):
        break
    call("Debugger.resume")
top = p["callFrames"][0]
# Node 20 leaves callFrames' url empty: the script's url came with Debugger.scriptParsed.
url = top.get("url") or next((m["params"]["url"] for m in pending
                              if m.get("method") == "Debugger.scriptParsed" and
                              m["params"]["scriptId"] == top["location"]["scriptId"]), "?")
print("stopped %s:%d" % (url, top["location"]["lineNumber"] + 1), flush=True)
local = [s for s in top["scopeChain"] if s["type"] == "local"][0]
props = call("Runtime.getProperties", objectId=local["object"]["objectId"], ownProperties=True)
found = [p for p in props["result"] if p["name"] == var]
if not found:
    die("no local %s among %s" % (var, [p["name"] for p in props["result"]]))
value = call("Runtime.callFunctionOn", objectId=found[0]["value"]["objectId"],
             functionDeclaration="function() { return JSON.stringify(this); }",
             returnByValue=True)["result"]["value"] if found[0]["value"].get("objectId") else \
    json.dumps(found[0]["value"].get("value"))
print("local %s = %s" % (var, value), flush=True)
ev = call("Debugger.evaluateOnCallFrame", callFrameId=top["callFrameId"], expression=expr,
          returnByValue=True)["result"]
print("eval %s = %s" % (expr, json.dumps(ev.get("value"))), flush=True)
send("Debugger.resume")
time.sleep(0.5)
sock.close()
