# As root: doctor's tier is the tier `fstage invoke` runs with, --json is the only thing on
# stdout, and FSTAGE_SANDBOX_DISABLE moves both the same way.
. "$(dirname "$0")/lib/doctor.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
[ -x /usr/bin/python3 ] || skip "no Python interpreter for the invoke comparison"
expect_exit 0 "$FSTAGE" doctor --json
cp "$T/out" "$T/doctor.json"
tier=$(json_get "$T/doctor.json" "j['tier']")
want=$(invoke_tier env)
[ -n "$want" ] || { cat "$T/invoke.err"; fail "fstage invoke --json gave no tier"; }
[ "$tier" = "$want" ] || fail "doctor says $tier, invoke runs with $want"
[ "$(check_field "$T/doctor.json" userns status)" = ok ] || fail "root has user namespaces here"
# Root can always write a cgroup v1 hierarchy or a v2 root: T0 unless cgroups are absent.
if [ "$(json_get "$T/doctor.json" "j['cgroup']['mode']")" != none ]; then
  [ "$tier" = T0 ] || fail "root with a usable cgroup should be T0, got $tier"
fi
expect_exit 0 env FSTAGE_SANDBOX_DISABLE=cgroup "$FSTAGE" doctor --json
cp "$T/out" "$T/nocg.json"
[ "$(json_get "$T/nocg.json" "j['tier']")" = T1 ] || fail "no cgroup should give T1"
[ "$(invoke_tier env FSTAGE_SANDBOX_DISABLE=cgroup)" = T1 ] || fail "invoke disagrees: T1"
[ "$(check_field "$T/nocg.json" cgroup fix)" = "unset FSTAGE_SANDBOX_DISABLE" ] ||
  fail "the fix for a disabled cgroup is to unset FSTAGE_SANDBOX_DISABLE"
expect_exit 0 env FSTAGE_SANDBOX_DISABLE=namespaces "$FSTAGE" doctor --json
[ "$(json_get "$T/out" "j['tier']")" = T2 ] || fail "no namespaces should give T2"
expect_exit 13 env FSTAGE_SANDBOX_DISABLE=namespaces "$FSTAGE" doctor --require-isolation
assert_contains "$T/out" "✗ isolation: required"
