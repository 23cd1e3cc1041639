package fnhandler

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"huaweicloud.com/go-runtime/pkg/runtime/common"
	rtcontext "huaweicloud.com/go-runtime/pkg/runtime/context"
)

// The results of Function.Invoke follow the platform's published module (invoker.go in
// opentelekomcloud-community/otc-functiongraph-go-runtime, go-runtime/pkg/runtime/fnhandler):
//
//   - a result is sent as it is when it is a string or []byte, as JSON otherwise (a result
//     that cannot be marshalled is logged and sent as an empty body);
//   - a returned error fails with code 500 and an indented JSON InvokeErrorMessage of type
//     FunctionReturnError, its message with absolute paths hidden;
//   - a panic fails with code 555, type "panic" and the user's frames as stackTrace,
//     "<func>()" then "    <file>:<line>" (and no message for an asynchronous invocation);
//   - a body over RUNTIME_MAX_RESP_BODY_SIZE fails with 507, FunctionResponseTooLarge;
//   - a request without a payload fails with 400 and the bare text "bad request parameters".
//
// Only the error text crosses net/rpc (rpc.Response.Error); ErrorCode stays in the process.
const (
	headerInvokeType    = "X-CFF-Invoke-Type"
	invokeTypeAsync     = "async"
	errBadRequestParams = "bad request parameters"
	codePanic           = 555
	maxStackDepth       = 32
)

// EmptyStringBytes is the body of an empty result.
var EmptyStringBytes = []byte("")

// InvokeErrorMessage is the JSON text of a failed invocation.
type InvokeErrorMessage struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType,omitempty"`
	StackTrace   []string `json:"stackTrace,omitempty"`
}

// InvokeError is what Function.Invoke returns for a failed invocation.
type InvokeError struct {
	ErrorCode int    `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

func (e *InvokeError) Error() string { return e.ErrorMsg }

func errorText(message, errType string, stack []string) string {
	data, err := json.MarshalIndent(&InvokeErrorMessage{message, errType, stack}, "", "    ")
	if err != nil {
		log.Println("marshal error message failed.")
		return ""
	}
	return string(data)
}

// Function is the RPC service ("Function") the platform calls.
type Function struct {
	handler IRequestHandler
	env     *rtcontext.Env
}

// NewFunction creates the service around a handler; configuration comes from the environment.
func NewFunction(handler IRequestHandler) *Function {
	return &Function{handler: handler, env: rtcontext.GetEnv()}
}

// Invoke runs the handler once.
func (fn *Function) Invoke(req *common.InvokeRequest, resp *common.InvokeResponse) (funcErr error) {
	if req.Payload == nil {
		return &InvokeError{ErrorCode: http.StatusBadRequest, ErrorMsg: errBadRequestParams}
	}
	async := req.Header.Get(headerInvokeType) == invokeTypeAsync
	ctx := rtcontext.NewProvider(fn.env, rtcontext.NewRequest(req.Header))

	defer func() {
		if r := recover(); r != nil {
			ctx.GetLogger().Logf("invoke function  failed for function code panic, error=%+v.", r)
			stack, printed := panicFrames()
			ie := &InvokeError{ErrorCode: codePanic}
			if !async {
				ie.ErrorMsg = errorText(fmt.Sprintf("%+v", r), "panic", stack)
			}
			if printed != "" {
				fmt.Print(printed)
			}
			funcErr = ie
		}
	}()

	result, err := fn.handler.Handle(req.Payload, ctx)
	if err != nil {
		msg := hideAbsolutePath(err.Error())
		ctx.GetLogger().Logf("%s", msg)
		return &InvokeError{ErrorCode: http.StatusInternalServerError,
			ErrorMsg: errorText(msg, "FunctionReturnError", nil)}
	}
	if async {
		resp.StatusCode = http.StatusOK
		resp.Payload = EmptyStringBytes
		return nil
	}
	body := resultBytes(result)
	if limit := fn.env.MaxResponseBodySize; limit > 0 && len(body) > limit {
		msg := fmt.Sprintf("Response body size '%d' larger than max value '%d'.", len(body), limit)
		ctx.GetLogger().Logf("%s", msg)
		return &InvokeError{ErrorCode: http.StatusInsufficientStorage,
			ErrorMsg: errorText(msg, "FunctionResponseTooLarge", nil)}
	}
	resp.StatusCode = http.StatusOK
	resp.Payload = body
	return nil
}

// HealthCheck answers the platform's liveness probe.
func (fn *Function) HealthCheck(req *common.HealthCheckRequest, resp *common.HealthCheckResponse) error {
	*resp = common.HealthCheckResponse{}
	return nil
}

func resultBytes(v interface{}) []byte {
	switch tv := v.(type) {
	case nil:
		return EmptyStringBytes
	case string:
		return []byte(tv)
	case []byte:
		return tv
	}
	data, err := json.Marshal(v)
	if err != nil {
		log.Println("marshal invoke result failed.")
		return EmptyStringBytes
	}
	return data
}

// hideAbsolutePath keeps paths relative, as the platform's module does with file names
// and error messages alike.
func hideAbsolutePath(path string) string {
	return hidePath(path, pathRoots())
}

func joinFrame(function, file string, line int) (string, string) {
	return function + "()", fmt.Sprintf("    %s:%d", file, line)
}
