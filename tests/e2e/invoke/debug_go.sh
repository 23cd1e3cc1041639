# invoke --debug-port with Go: the handler is built again for the debugger (-gcflags=all=-N -l,
# no -trimpath, into .fstage/debug: the release build's tree and zip stay as they were) and
# started under Delve (dlv exec --headless) inside the sandbox; `dlv connect` on the host,
# driven through its stdin (lib/expect_client.py), attaches through the one forwarded port,
# breaks in the handler on the host's file, prints the event, continues, and the invocation ends
# with its normal result. The sandbox stays isolated. As root and rootless (nobody).
. "$(dirname "$0")/lib/debug.sh"
command -v go >/dev/null || skip "no Go toolchain to build the function"
command -v dlv >/dev/null || skip "no Delve (dlv)"
tier_has_namespaces || skip "no namespaces here: nothing to forward into (degraded tier)"
start_host_listener

P="$T/proj"
make_project "$P"
(cd "$P" && "$FSTAGE" init -r go1.x -n hello >/dev/null 2>&1) || fail "fstage init -r go1.x"
cat >"$P/main.go" <<'GO'
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

type event struct {
	Name     string `json:"name"`
	HostPort int    `json:"host_port"`
}

func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var ev event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	greeting := "hello " + ev.Name
	return map[string]string{"greeting": greeting, "host": reach(ev.HostPort), "code": writeCode()}, nil
}

func reach(port int) string {
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return "ECONNREFUSED"
		}
		return err.Error()
	}
	c.Close()
	return "reached"
}

func writeCode() string {
	err := os.WriteFile("/opt/function/code/x", nil, 0o644)
	if errors.Is(err, syscall.EROFS) {
		return "EROFS"
	} else if err != nil {
		return err.Error()
	}
	return "writable"
}

func main() {
	runtime.Register(handler)
}
GO
echo "{\"name\": \"dbg\", \"host_port\": $HOST_PORT}" >"$T/event.json"
chmod -R a+rwX "$P"

# The release build first: the debug build must leave it alone.
(cd "$P" && "$FSTAGE" invoke -e "$T/event.json" >"$T/release.out" 2>"$T/release.err") ||
  { cat "$T/release.err"; fail "release invoke"; }
release_tree=$(ls -d "$P"/.fstage/build/hello/tree-*)
release_sum=$(sha256sum "$release_tree/handler" | cut -d' ' -f1)

check() {
  local port
  port=$(free_port)
  debug_session "$1" "$P" hello "$T/event.json" "$port" \
    "$PYTHON" "$LIB/expect_client.py" 120 -- dlv connect "127.0.0.1:$port" -- \
    "expect:\(dlv\) " "send:break $P/main.go:25" "expect:Breakpoint 1 set at .* for main.handler\(\)" \
    "send:continue" "expect:> main.handler\(\) .*main.go:25" \
    "send:print ev" 'expect:main.event \{Name: "dbg", HostPort: [0-9]+\}' \
    "send:print ev.Name" 'expect:"dbg"' \
    "send:continue" "send:quit -c"
  assert_contains "$T/err" "debugger listening on 127.0.0.1:$port (go/delve); path mapping $P -> $P"
  [ "$(json_get "$T/out" "j['greeting']")" = "hello dbg" ] || fail "result: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['host']")" = ECONNREFUSED ] || fail "host loopback reached: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['code']")" = EROFS ] || fail "code writable: $(cat "$T/out")"
  echo "ok: $1 go/delve session"
}
check root
# The release build is untouched: same tree, same binary, no debug information added.
[ "$(ls -d "$P"/.fstage/build/hello/tree-*)" = "$release_tree" ] || fail "the release tree changed"
[ "$(sha256sum "$release_tree/handler" | cut -d' ' -f1)" = "$release_sum" ] || fail "the release binary changed"
[ -x "$P/.fstage/debug/hello/handler" ] || fail "no debug build in .fstage/debug/hello"
if can_run_as_nobody && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T/nobody-home" go version >/dev/null 2>&1; then
  chmod -R a+rwX "$P"
  check nobody
else
  echo "SKIP (part): not root, or nobody cannot run $FSTAGE or go: the rootless session is not exercised"
fi
