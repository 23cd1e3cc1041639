#!/usr/bin/env bash
# Interactive init (stdin and stderr a terminal, no -r): an answer out of range or a runtime
# fstage does not know is asked again; the end of input stops init cleanly with nothing written.
. "$(dirname "$0")/../lib/common.sh"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 (the pseudo-terminal driver needs it)"

# on_tty OUT ANSWERS CMD...: runs CMD with stdin and stderr on a pseudo-terminal that is fed
# ANSWERS (\x04 is the terminal's end of input); what it shows goes to OUT; exits as CMD does.
on_tty() {
  "$PYTHON" - "$@" <<'PY'
import os, pty, select, subprocess, sys, time
out, answers, cmd = sys.argv[1], sys.argv[2].encode().decode("unicode_escape"), sys.argv[3:]
master, slave = pty.openpty()
p = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
os.close(slave)
os.write(master, answers.encode())
shown = b""
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if not data:
            break
        shown += data
    elif p.poll() is not None:
        break
else:
    p.kill()
open(out, "wb").write(shown)
sys.exit(p.wait())
PY
}

rc=0
on_tty "$T/tty" '0\n99\ncobol\nphp7.3\npython3.10\n' "$FSTAGE" init proj || rc=$?
[ "$rc" = 0 ] || { cat "$T/tty"; fail "interactive init exited $rc"; }
assert_contains "$T/tty" "Runtime for the new function:"
assert_contains "$T/tty" "'0' is not in the list: choose 1-"
assert_contains "$T/tty" "'99' is not in the list"
assert_contains "$T/tty" "unknown runtime 'cobol'"
assert_contains "$T/tty" "no built-in template for runtime 'PHP7.3'"
assert_contains proj/fstage.yaml "runtime: Python3.10"

rc=0
on_tty "$T/tty" '7\n\x04' "$FSTAGE" init proj2 || rc=$?
[ "$rc" = 2 ] || { cat "$T/tty"; fail "init at the end of input exited $rc, not 2"; }
assert_contains "$T/tty" "no runtime chosen: the input ended; nothing was written"
[ ! -e proj2 ] || fail "init wrote proj2 without a runtime"
echo ok
