# A Java class with a Context parameter: fstage invoke builds src/main/java into the jar that
# `package` ships (never into the source tree), then runs it.
. "$(dirname "$0")/lib/invoke.sh"
command -v javac >/dev/null || skip "no JDK (javac) to compile the Java fixture"
cp -r "$FSTAGE_SOURCE_DIR/tests/fixtures/functions/java" "$T/java"
rm -rf "$T/java/build"
printf '{"name": "duke", "times": 2}' >"$T/event.json"
expect_exit 0 "$FSTAGE" invoke -f "$T/java/fstage.yaml" greet -e "$T/event.json" --repeat 2 --json
[ ! -e "$T/java/build" ] || fail "the source tree was written to"
ls "$T"/java/.fstage/build/greet/tree-*/greet.jar >/dev/null || fail "no greet.jar in the code tree"
r() { json_get "$T/out" "json.loads(j['invocations'][$1]['result'])$2"; }
[ "$(r 1 "['message']")" = "hello duke x2" ] || fail "POJO event"
[ "$(r 1 "['invocations']")" = 2 ] || fail "warm instance"
[ "$(r 1 "['init_calls']")" = 1 ] || fail "initializer once"
[ "$(r 1 "['user_data']")" = hi ] || fail "getUserData"
expect_exit 0 "$FSTAGE" invoke -f "$T/java/fstage.yaml" apig --trigger apig --json
[ "$(json_get "$T/out" "json.loads(j['result'])['statusCode']")" = 200 ] || fail "APIG response"
printf '{"fail": true}' >"$T/fail.json"
expect_exit 10 "$FSTAGE" invoke -f "$T/java/fstage.yaml" greet -e "$T/fail.json"
[ "$(json_get "$T/out" "j['errorType']")" = java.lang.IllegalStateException ] || fail "errorType"
