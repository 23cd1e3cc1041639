# `remote remove FUNC` shows what goes (versions, aliases, triggers) and asks on a terminal;
# without a terminal it refuses unless --yes (issue 23, item 5). The terminal path runs under a
# pty (python3's pty module) and answers no, then yes.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app gone
cd app
cat >>fstage.yaml <<'YAML'
    triggers:
      - { type: TIMER, schedule: 5m }
YAML
fs 0 deploy --publish=v1 --alias live

# no terminal, no --yes: refused with the hint, nothing deleted
fs 2 remote remove gone </dev/null
assert_contains "$T/err" "removing function gone needs --yes"
assert_contains "$T/err" "fstage remote remove gone --yes"
fake_check "'gone' in fns" "a refused removal removed"
fs 2 remote remove gone --json </dev/null
fake_check "'gone' in fns"

# on a terminal: the list, then the question; "n" keeps it, "y" removes it
pty_run() { # ANSWER ARGS...: runs fstage on a pty, types ANSWER, output in $T/pty.out
  local answer=$1
  shift
  "$PY" - "$answer" "$FSTAGE" "$@" >"$T/pty.out" 2>&1 <<'PY'
import os, pty, sys, time
answer, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
sent = False
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and b"[y/N]" in out:
        os.write(fd, (answer + "\n").encode())
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
pty_run n remote remove gone || fail "declining exited $?: $(cat "$T/pty.out")"
cat "$T/pty.out" >>"$OUTPUT_LOG"
assert_contains "$T/pty.out" "this removes function gone"
assert_contains "$T/pty.out" "versions: v1"
assert_contains "$T/pty.out" "aliases:  live -> v1"
assert_contains "$T/pty.out" "triggers: TIMER"
assert_contains "$T/pty.out" "not removed"
fake_check "'gone' in fns" "declined, yet removed"
pty_run y remote remove gone || fail "confirming exited $?: $(cat "$T/pty.out")"
cat "$T/pty.out" >>"$OUTPUT_LOG"
assert_contains "$T/pty.out" "removed function gone"
fake_check "'gone' not in fns" "confirmed, not removed"

# --yes for CI; a missing function is not_found before any question
fs 0 deploy
fs 0 remote remove gone --yes </dev/null
fake_check "'gone' not in fns"
fs 4 remote remove gone --yes
assert_no_secrets
