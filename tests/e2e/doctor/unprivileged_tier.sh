# As nobody (setpriv): doctor's tier is the tier `fstage invoke` runs with as nobody, and a
# missing cgroup comes with its fix. On this CI machine (cgroup v1 hybrid, userns allowed): T1.
. "$(dirname "$0")/lib/doctor.sh"
need_root_setpriv
expect_exit 0 as_nobody "$FSTAGE" doctor --json
cp "$T/out" "$T/doctor.json"
tier=$(json_get "$T/doctor.json" "j['tier']")
[ "$(json_get "$T/doctor.json" "j['uid']")" = 65534 ] || fail "not run as nobody"
want=$(invoke_tier as_nobody)
[ -n "$want" ] || { cat "$T/invoke.err"; fail "fstage invoke --json as nobody gave no tier"; }
[ "$tier" = "$want" ] || fail "doctor says $tier, invoke runs with $want as nobody"
if [ "$(check_field "$T/doctor.json" userns status)" = ok ]; then
  case "$tier" in T0 | T1) ;; *) fail "user namespaces work but tier is $tier" ;; esac
else
  [ "$tier" = T2 ] || fail "no user namespace but tier $tier"
  [ -n "$(check_field "$T/doctor.json" userns summary)" ] || fail "no reason given"
fi
if [ "$tier" = T1 ]; then
  [ "$(check_field "$T/doctor.json" cgroup status)" = warn ] || fail "T1 without a cgroup warning"
  [ -n "$(check_field "$T/doctor.json" cgroup fix)" ] || fail "no fix for the missing cgroup"
fi
# This machine's shape, when it is this machine's: cgroup v1 is root-only, fix = switch to v2.
if grep -q ' - cgroup cgroup .*memory' /proc/self/mountinfo && [ "$tier" = T1 ]; then
  fix=$(check_field "$T/doctor.json" cgroup fix)
  grep -qF systemd.unified_cgroup_hierarchy=1 <<<"$fix" ||
    fail "cgroup v1 fix should switch the host to cgroup v2"
  grep -qF 'Delegate=cpu cpuset io memory pids' <<<"$fix" ||
    fail "cgroup fix should show the delegate.conf drop-in"
fi
# Switching user namespaces off as nobody leaves no namespaces at all: T2, like invoke.
expect_exit 0 as_nobody env FSTAGE_SANDBOX_DISABLE=userns "$FSTAGE" doctor --json
[ "$(json_get "$T/out" "j['tier']")" = T2 ] || fail "nobody without userns should be T2"
[ "$(invoke_tier as_nobody env FSTAGE_SANDBOX_DISABLE=userns)" = T2 ] || fail "invoke disagrees"
# Human output as nobody: a checklist on stdout.
expect_exit 0 as_nobody "$FSTAGE" doctor
assert_contains "$T/out" "Sandbox tier $tier: "
if [ "$(check_field "$T/doctor.json" userns status)" = ok ]; then
  assert_contains "$T/out" "✓ user namespaces: work for uid 65534"
fi
