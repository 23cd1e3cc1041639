// Drives a function binary built against fstage's go-runtime module the way the platform's
// side of the protocol does: a net/rpc client over HTTP (rpc.DialHTTP, path /_goRPC_) calling
// Function.Invoke and Function.HealthCheck with the module's common types. The expected
// results are those of the platform's published module (opentelekomcloud-community/
// otc-functiongraph-go-runtime, go-runtime/pkg/runtime/fnhandler).
package gosdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/rpc"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"huaweicloud.com/go-runtime/pkg/runtime/common"
)

var (
	client *rpc.Client
	stdout bytes.Buffer
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "go-sdk-test")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "handler")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./fn")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Println("building ./fn:", err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := l.Addr().String()
	l.Close()
	fn := exec.Command(bin)
	fn.Env = append(os.Environ(), "RUNTIME_API_ADDR="+addr, "RUNTIME_FUNC_NAME=gofn",
		"RUNTIME_ALIAS=configured", `RUNTIME_USERDATA={"greeting":"hi"}`, "RUNTIME_CODE_ROOT=/opt/function/code")
	fn.Stdout = &stdout
	fn.Stderr = os.Stderr
	if err := fn.Start(); err != nil {
		panic(err)
	}
	defer fn.Process.Kill()
	for i := 0; i < 200; i++ {
		if client, err = rpc.DialHTTP("tcp", addr); err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if client == nil {
		fmt.Println("the function never listened:", err)
		return 1
	}
	return m.Run()
}

func invoke(t *testing.T, payload []byte, header http.Header) (*common.InvokeResponse, error) {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	header.Set("X-Cff-Request-Id", "req-"+t.Name())
	resp := &common.InvokeResponse{}
	err := client.Call("Function.Invoke", &common.InvokeRequest{Payload: payload, Header: header}, resp)
	return resp, err
}

// errorText returns the text of an rpc.ServerError, the only part of the error that crosses.
func errorText(t *testing.T, err error) string {
	t.Helper()
	se, ok := err.(rpc.ServerError)
	if !ok {
		t.Fatalf("want an rpc.ServerError, got %T %v", err, err)
	}
	return string(se)
}

func TestResultAndContext(t *testing.T) {
	h := http.Header{}
	h.Set("X-Cff-Origin-Version-Tag", "!prod")
	resp, err := invoke(t, []byte(`{"mode":"ok"}`), h)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"request": "req-TestResultAndContext", "function": "gofn",
		"alias": "configured", "alias2": "prod", "user": "hi"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestStringAndTypedNil(t *testing.T) {
	resp, err := invoke(t, []byte(`{"mode":"string"}`), nil)
	if err != nil || string(resp.Payload) != "plain text" {
		t.Errorf("string result: %q %v", resp.Payload, err)
	}
	resp, err = invoke(t, []byte(`{"mode":"typed-nil"}`), nil)
	if err != nil || string(resp.Payload) != "null" {
		t.Errorf("typed nil result: %q %v", resp.Payload, err)
	}
}

const emptyResponse = "{\n    \"errorMessage\": \"response is empty\",\n    \"errorType\": \"FunctionReturnError\"\n}"

func TestNilResultFails(t *testing.T) {
	for _, mode := range []string{"nil", "nil-error"} {
		_, err := invoke(t, []byte(`{"mode":"`+mode+`"}`), nil)
		if got := errorText(t, err); got != emptyResponse {
			t.Errorf("%s: error %q, want %q", mode, got, emptyResponse)
		}
	}
}

func TestReturnedError(t *testing.T) {
	_, err := invoke(t, []byte(`{"mode":"error"}`), nil)
	want := "{\n    \"errorMessage\": \"open /conf.json: no such file\",\n    \"errorType\": \"FunctionReturnError\"\n}"
	if got := errorText(t, err); got != want {
		t.Errorf("error %q, want %q", got, want)
	}
}

func TestPanicStack(t *testing.T) {
	_, err := invoke(t, []byte(`{"mode":"panic"}`), nil)
	var m struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace"`
	}
	text := errorText(t, err)
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	if m.ErrorMessage != "kaboom" || m.ErrorType != "panic" {
		t.Errorf("message %q type %q", m.ErrorMessage, m.ErrorType)
	}
	// Pairs "<func>()" and "    <file>:<line>": the recover, then the user's frames, and
	// nothing from runtime, reflect or beyond the handler. (With -trimpath the module's
	// files are "huaweicloud.com/go-runtime@<version>/...", cut to "go-runtime@<version>/...".)
	want := []string{"(*Function).Invoke.func1()", "    go-runtime@v0.0.0/pkg/runtime/fnhandler/invoker.go:",
		"crash()", "    fstage-go-sdk-tests/fn/main.go:", "handler()", "    fstage-go-sdk-tests/fn/main.go:"}
	if len(m.StackTrace) != len(want) {
		t.Fatalf("stackTrace %q", m.StackTrace)
	}
	for i, w := range want {
		if !strings.HasPrefix(m.StackTrace[i], w) {
			t.Errorf("stackTrace[%d] = %q, want prefix %q", i, m.StackTrace[i], w)
		}
	}
	time.Sleep(100 * time.Millisecond)
	out := stdout.String()
	if !strings.Contains(out, "failed for function code panic, error=kaboom.") ||
		!strings.Contains(out, "crash()\n    fstage-go-sdk-tests/fn/main.go:") {
		t.Errorf("the panic is not on standard output:\n%s", out)
	}
}

func TestNoPayload(t *testing.T) {
	_, err := invoke(t, nil, nil)
	if got := errorText(t, err); got != "bad request parameters" {
		t.Errorf("error %q", got)
	}
}

func TestAsync(t *testing.T) {
	h := http.Header{}
	h.Set("X-CFF-Invoke-Type", "async")
	resp, err := invoke(t, []byte(`{"mode":"ok"}`), h)
	if err != nil || len(resp.Payload) != 0 || resp.StatusCode != 200 {
		t.Errorf("async: %q %d %v", resp.Payload, resp.StatusCode, err)
	}
}

func TestHealthCheck(t *testing.T) {
	if err := client.Call("Function.HealthCheck", &common.HealthCheckRequest{}, &common.HealthCheckResponse{}); err != nil {
		t.Error(err)
	}
}
