# Escape attempts from inside a function are contained, and the host is unaffected.
. "$(dirname "$0")/lib/invoke.sh"
need_python
tier_has_namespaces || skip "no namespaces here (degraded tier)"
# In the background only to learn fstage's pid, which names its cgroup leaves.
"$FSTAGE" invoke -f "$PY" escape --json >"$T/out" 2>"$T/err" &
pid=$!
wait "$pid" || { cat "$T/err"; fail "invoke escape failed"; }
r() { json_get "$T/out" "json.loads(j['result'])$1"; }
[ "$(r "['read_shadow']")" = ENOENT ] || fail "read /etc/shadow: $(r "['read_shadow']")"
[ "$(r "['read_host_home']")" = ENOENT ] || fail "read host home"
[ "$(r "['write_code']")" = EROFS ] || fail "write code dir: $(r "['write_code']")"
[ "$(r "['write_tmp']")" = writable ] || fail "write /tmp"
[ "$(r "['visible_pids'] <= 4")" = True ] || fail "sees host processes: $(r "['visible_pids']")"
[ "$(r "['connect_out']")" = ENETUNREACH ] || fail "network: $(r "['connect_out']")"
[ "$(r "['leaked_fds']")" = "[0, 1, 2, 3, 4]" ] || fail "fds: $(r "['leaked_fds']")"
# The host's third-party packages are hidden, as the platform's Python has none of them: their
# directories are still on sys.path, but empty (isolation F8 checks the masking itself).
seen=$(json_get "$T/out" "sorted(k for k, v in json.loads(j['result'])['site_packages'].items() if v)")
[ "$seen" = "[]" ] || fail "host packages visible in the sandbox: $seen"
[ "$(r "['site_packages']")" != "{}" ] || fail "no site-packages directory on sys.path at all"
# The daemonised sleep 300 must be gone with the sandbox, and the cgroup leaves with it.
# fstage returns once the result is out and leaves the killed sandbox's teardown to a detached
# reaper (Sandbox::abandon), so both go within moments rather than at once.
for _ in $(seq 100); do
  pgrep -f "^/bin/sleep 300$" >/dev/null ||
    [ -n "$(find /sys/fs/cgroup -maxdepth 5 -name "fstage-$pid-*" 2>/dev/null)" ] || break
  sleep 0.05
done
! pgrep -f "^/bin/sleep 300$" >/dev/null || fail "daemonised grandchild survived"
[ -z "$(find /sys/fs/cgroup -maxdepth 5 -name "fstage-$pid-*" 2>/dev/null)" ] ||
  fail "cgroup leaves of fstage $pid left behind"
