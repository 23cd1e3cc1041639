# Credentials set in the environment show as present; their values never appear.
. "$(dirname "$0")/lib/doctor.sh"
AK=E2EDOCTORACCESSKEY42; SK=e2e-doctor-secret-key-43-value
export XDG_CONFIG_HOME="$T/config"
expect_exit 0 env HUAWEICLOUD_SDK_AK=$AK HUAWEICLOUD_SDK_SK=$SK "$FSTAGE" doctor
assert_contains "$T/out" "✓ credentials: present (environment"
for f in "$T/out" "$T/err"; do assert_not_contains "$f" "$AK"; assert_not_contains "$f" "$SK"; done
expect_exit 0 env HUAWEICLOUD_SDK_AK=$AK HUAWEICLOUD_SDK_SK=$SK "$FSTAGE" doctor --json
[ "$(json_get "$T/out" "j['credentials']['present']")" = True ] || fail "present"
[ "$(json_get "$T/out" "j['credentials']['environment']['HUAWEICLOUD_SDK_SK']")" = present ] ||
  fail "SK present"
for f in "$T/out" "$T/err"; do assert_not_contains "$f" "$AK"; assert_not_contains "$f" "$SK"; done
# None at all: a warning, not a failure (deploy only).
expect_exit 0 env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK -u FSTAGE_AUTH_TOKEN "$FSTAGE" doctor
assert_contains "$T/out" "! credentials: none configured"
# Half set: the auth exit code.
expect_exit 21 env -u HUAWEICLOUD_SDK_SK HUAWEICLOUD_SDK_AK=$AK "$FSTAGE" doctor --json
assert_not_contains "$T/out" "$AK"
