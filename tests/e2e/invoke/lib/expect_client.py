# SPDX-License-Identifier: Apache-2.0
# Drives a terminal debugger (jdb, dlv connect) through its stdin, as a developer types into
# it: each step either sends a line or waits for a regular expression in the output so far.
#
# usage: expect_client.py TIMEOUT_S -- COMMAND... -- STEP...
#   STEP: "send:TEXT" (TEXT and a newline) or "expect:REGEX" (waits, up to TIMEOUT_S, for
#   REGEX in what the command printed since the last expect matched).
# Everything the command printed goes to stdout; exits 1 when an expect times out.
import os
import re
import select
import subprocess
import sys
import time

args = sys.argv[1:]
timeout = float(args[0])
sep = args.index("--", 2)
command, steps = args[2:sep], args[sep + 1:]
proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
seen = b""
start = 0  # where the next expect starts looking


def read_some(wait):
    global seen
    r, _, _ = select.select([proc.stdout], [], [], wait)
    if r:
        chunk = os.read(proc.stdout.fileno(), 65536)
        if chunk:
            sys.stdout.write(chunk.decode(errors="replace"))
            sys.stdout.flush()
            seen += chunk
            return True
    return False


for step in steps:
    kind, _, text = step.partition(":")
    if kind == "send":
        proc.stdin.write(text.encode() + b"\n")
        proc.stdin.flush()
        continue
    pattern = re.compile(text.encode())
    deadline = time.time() + timeout
    while True:
        m = pattern.search(seen, start)
        if m:
            start = m.end()
            break
        if time.time() > deadline or (proc.poll() is not None and not read_some(0)):
            print("\nexpect_client: timed out waiting for %r" % text, file=sys.stderr)
            proc.kill()
            sys.exit(1)
        read_some(0.2)
try:
    proc.stdin.close()
except OSError:
    pass
end = time.time() + timeout
while proc.poll() is None and time.time() < end:
    read_some(0.2)
if proc.poll() is None:
    proc.kill()
