# Java functions as the platform's published runtimes and samples write them: Open Telekom
# Cloud's Context, events bound with Gson (@SerializedName, non-static inner classes, a
# JsonObject parameter), results serialised as Gson does, a wrong context type named.
. "$(dirname "$0")/lib/invoke.sh"
command -v javac >/dev/null || skip "no JDK (javac) to compile the Java fixture"
[ -r /usr/share/java/gson.jar ] || skip "no /usr/share/java/gson.jar (libgoogle-gson-java)"
cp -r "$FSTAGE_SOURCE_DIR/tests/fixtures/functions/java-platform" "$T/p"
mkdir -p "$T/p/lib" && cp /usr/share/java/gson.jar "$T/p/lib/"
M="$T/p/fstage.yaml"
res() { json_get "$T/out" "json.loads(j['result'])$1"; }

printf '{"user_name": "duke", "amount": 2.5, "tags": ["a", "b"], "address": {"city": "Bonn"},
  "unknown_key": 1}' >"$T/otc.json"
expect_exit 0 "$FSTAGE" invoke -f "$M" otc -e "$T/otc.json" --json
[ "$(res "['user_name']")" = duke ] || fail "@SerializedName on an inner event class"
[ "$(res "['amount']")" = 2.5 ] || fail "double field"
[ "$(res "['tags']")" = "['a', 'b']" ] || fail "List<String> field"
[ "$(res "['city']")" = Bonn ] || fail "@SerializedName alternate on a nested inner class"
[ "$(res "['memory']")" = 256 ] || fail "OTC Context.getMemorySize"
[ -n "$(res "['request_id']")" ] || fail "OTC Context.getRequestID"
[ "$(json_get "$T/out" "'missing' in json.loads(j['result'])")" = False ] || fail "Gson leaves null fields out of the result"
json_get "$T/out" "j['logs']" >"$T/logs"
# RuntimeLogger: "<time> <request id> <LEVEL> <message>"; log() writes whatever the level.
grep -qE "Z $(res "['request_id']") INFO otc user duke\$" "$T/logs" || { cat "$T/logs"; fail "log line"; }
assert_not_contains "$T/logs" 'below the level'
# The platform drops a key no field takes, as Gson does; fstage says so.
assert_contains "$T/logs" 'fstage: warning: event key(s) unknown_key match no field of plat.OtcHandler$EventData'
assert_not_contains "$T/logs" 'user_name'

printf '{"name": "duke", "n": 1}' >"$T/json.json"
expect_exit 0 "$FSTAGE" invoke -f "$M" json -e "$T/json.json" --json
[ "$(res "['keys']")" = 2 ] || fail "a JsonObject parameter receives the event"
[ "$(res "['echo']")" = "{'name': 'duke', 'n': 1}" ] || fail "JsonObject returned as JSON"
[ "$(res "['function']")" = json ] || fail "getFunctionName"

expect_exit 0 "$FSTAGE" invoke -f "$M" bytes -e "$T/json.json" --json
[ "$(json_get "$T/out" "j['result']")" = "raw duke" ] || fail "byte[] result is the body as is"

# OTC's documented way to read the log level: the context as Gson writes it, logger.logLevel.
expect_exit 0 "$FSTAGE" invoke -f "$M" level -e "$T/json.json" --json
[ "$(json_get "$T/out" "j['result']")" = "INFO WARN" ] || fail "context.logger.logLevel via Gson"

expect_exit 10 "$FSTAGE" invoke -f "$M" badctx -e "$T/json.json"
assert_contains "$T/out" 'com.huawei.services.runtime.Context'
assert_contains "$T/out" 'com.opentelekomcloud.services.runtime.Context'
assert_contains "$T/out" 'java.util.Map'
# Object is not a context type either: the platform's runtimes pass one of the two interfaces.
expect_exit 10 "$FSTAGE" invoke -f "$M" loose -e "$T/json.json"
assert_contains "$T/out" 'plat.BadHandler.loose(java.lang.Object, java.lang.Object)'
