# Shared by the interrupt scenarios (after common.sh): start fstage in the background with the
# signals at their defaults, interrupt it, and check that it stopped at once and left nothing:
# no process, no cgroup, no partial file.
#
# A background job of a non-interactive shell starts with SIGINT ignored; fstage handles the
# signal all the same, but the scenarios should not depend on that: `set -m` gives each job
# its own process group and the default dispositions, as a terminal's foreground job has.
set -m

FS_PID=
FS_KIDS=
# A scenario that fails half-way must not leave fstage running.
kill_fstage() {
  if [ -n "$FS_PID" ]; then
    kill -KILL "$FS_PID" 2>/dev/null || true
  fi
}
trap 'kill_fstage; rm -rf "$T"' EXIT

# start_fstage OUT ERR ARGS...: runs fstage in the background; FS_PID is its pid.
start_fstage() {
  local out=$1 err=$2
  shift 2
  "$FSTAGE" "$@" >"$out" 2>"$err" &
  FS_PID=$!
}

# descendants PID: every process below PID (build steps, sandboxes, runtimes).
descendants() {
  local p kids
  kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
  for p in $kids; do
    echo "$p"
    descendants "$p"
  done
}

# cgroups_of PID: the cgroup leaves fstage made for its sandboxes ("fstage-<pid>-<n>", in every
# hierarchy: v1 has one per controller).
cgroups_of() {
  find /sys/fs/cgroup -maxdepth 8 -type d -name "fstage-$1-*" 2>/dev/null || true
}

# now_ms: a monotonic-enough clock for timing bounds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# interrupt SIG...: sends each signal to FS_PID (0.3 s apart), remembering its processes first;
# sets FS_RC (exit status) and FS_MS (time from the last signal to the exit).
interrupt() {
  FS_KIDS=$(descendants "$FS_PID")
  local first=1 sig t0
  for sig in "$@"; do
    [ "$first" = 1 ] || sleep 0.3
    first=0
    t0=$(now_ms)
    kill -s "$sig" "$FS_PID" 2>/dev/null || true
  done
  FS_RC=0
  wait "$FS_PID" || FS_RC=$?
  FS_MS=$(($(now_ms) - t0))
  FS_DONE=$FS_PID
  FS_PID=  # reaped: its number may name another process from now on
}

# check_clean WHAT: the fstage just interrupted left no process and no cgroup. Processes and cgroups that are
# still being torn down get a second.
check_clean() {
  local what=$1 p left i
  for i in $(seq 20); do
    left=
    for p in $FS_KIDS; do
      if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then
        left="$left $p"
      fi
    done
    [ -z "$left" ] && [ -z "$(cgroups_of "$FS_DONE")" ] && return 0
    sleep 0.05
  done
  for p in $left; do ps -o pid,ppid,stat,args -p "$p" || true; done
  # What is left, and what is still in it, so that a rare failure can be told apart from
  # another (a teardown still under way, a start the drain missed, a leaf never removed).
  local d
  for d in $(cgroups_of "$FS_DONE"); do
    echo "left: $d ($(stat -c %y "$d" 2>/dev/null)); processes: $(cat "$d/cgroup.procs" 2>/dev/null | tr '\n' ' ')"
  done
  [ -z "${T:-}" ] || [ ! -f "$T/serve.log" ] || { echo "--- the end of serve's log:"; tail -20 "$T/serve.log"; }
  fail "$what: left processes ($left) or the cgroups above behind"
}

# expect_interrupted WHAT ERR [MAX_MS]: exit 130, the one line on ERR, within MAX_MS (3000) of
# the signal, nothing left behind.
expect_interrupted() {
  local what=$1 err=$2 max=${3:-3000}
  if [ "$FS_RC" != 130 ]; then
    cat "$err"
    fail "$what: expected exit 130, got $FS_RC"
  fi
  grep -q '^fstage: interrupted' "$err" || { cat "$err"; fail "$what: no 'fstage: interrupted' line"; }
  [ "$FS_MS" -le "$max" ] || fail "$what: took ${FS_MS} ms after the signal (at most $max)"
  check_clean "$what"
}

# random_delay LOW HIGH: a random delay between LOW and HIGH milliseconds, as seconds for sleep.
random_delay() {
  local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}
