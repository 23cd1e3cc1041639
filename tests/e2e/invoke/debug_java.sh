# invoke --debug-port with Java: the JVM starts with the JDWP agent (server=y, suspend=y) inside
# the sandbox; jdb on the host attaches through the one forwarded port (driven through its stdin
# by lib/expect_client.py), stops at a breakpoint in the handler, prints the event parameter and
# a field of it, continues, and the invocation ends with its normal result. The sandbox stays
# isolated. As root and rootless (nobody).
. "$(dirname "$0")/lib/debug.sh"
command -v javac >/dev/null || skip "no JDK (javac) to compile the function"
command -v jdb >/dev/null || skip "no jdb (the JDK's debugger)"
java=$(readlink -f "$(command -v java)")
export FSTAGE_JAVA=$java
tier_has_namespaces || skip "no namespaces here: nothing to forward into (degraded tier)"
start_host_listener

P="$T/proj"
make_project "$P"
mkdir -p "$P/src/main/java/demo"
cat >"$P/fstage.yaml" <<'YAML'
name: debug-java
functions:
  hello:
    runtime: Java17
    handler: demo.Handler.handler
    memory: 256
    timeout: 3
    code: .
YAML
cat >"$P/src/main/java/demo/Handler.java" <<'JAVA'
package demo;

import com.huawei.services.runtime.Context;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

public class Handler {
    public static class Event {
        public String name;
        public int host_port;
    }

    public Map<String, String> handler(Event event, Context context) {
        String greeting = "hello " + event.name;
        Map<String, String> out = new HashMap<>();
        out.put("greeting", greeting);
        out.put("host", reach(event.host_port));
        out.put("code", writeCode());
        return out;
    }

    static String reach(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return "reached";
        } catch (Exception e) {
            return e.getMessage().contains("refused") ? "ECONNREFUSED" : e.toString();
        }
    }

    static String writeCode() {
        try {
            Files.writeString(Paths.get("/opt/function/code/x"), "");
            return "writable";
        } catch (Exception e) {
            return e.getMessage().contains("Read-only") ? "EROFS" : e.toString();
        }
    }
}
JAVA
echo "{\"name\": \"dbg\", \"host_port\": $HOST_PORT}" >"$P/event.json"

check() {
  local port
  port=$(free_port)
  debug_session "$1" "$P" hello "$P/event.json" "$port" \
    "$PYTHON" "$LIB/expect_client.py" 60 -- jdb -attach "127.0.0.1:$port" -- \
    "expect:> " "send:stop at demo.Handler:17" "expect:(Deferring|Set) breakpoint demo.Handler:17" \
    "send:cont" "expect:Breakpoint hit: .*demo\.Handler\.handler\(\), line=17" \
    "send:print event.name" 'expect:event.name = "dbg"' \
    "send:locals" "expect:event = instance of demo.Handler\\\$Event" \
    "send:cont" "send:exit"
  assert_contains "$T/err" "debugger listening on 127.0.0.1:$port (java/jdwp); path mapping $P -> /opt/function/code"
  [ "$(json_get "$T/out" "j['greeting']")" = "hello dbg" ] || fail "result: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['host']")" = ECONNREFUSED ] || fail "host loopback reached: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['code']")" = EROFS ] || fail "code writable: $(cat "$T/out")"
  echo "ok: $1 java/jdwp session"
}
check root
if can_run_as_nobody && setpriv --reuid=65534 --regid=65534 --clear-groups "$java" -version 2>/dev/null; then
  check nobody
else
  echo "SKIP (part): not root, or nobody cannot run $FSTAGE or $java: the rootless session is not exercised"
fi
