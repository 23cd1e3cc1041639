package fnhandler

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"

	"huaweicloud.com/go-runtime/pkg/runtime/common"
	rtcontext "huaweicloud.com/go-runtime/pkg/runtime/context"
)

// Error codes of a failed invocation (InvokeError.ErrorCode).
const (
	CodeBadRequest       = http.StatusBadRequest          // 400: unusable request or handler
	CodeFunctionError    = http.StatusInternalServerError // 500: handler returned an error
	CodeResponseTooLarge = http.StatusInsufficientStorage // 507: result larger than the limit
	CodePanic            = 555                            // handler panicked
)

// Error types carried in the error message.
const (
	TypeFunctionReturnError      = "FunctionReturnError"
	TypePanic                    = "panic"
	TypeFunctionResponseTooLarge = "FunctionResponseTooLarge"
	TypeFunctionLoadError        = "FunctionLoadError"
)

const maxStackFrames = 32

// ErrorMessage is the JSON body of a failed invocation.
type ErrorMessage struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType,omitempty"`
	StackTrace   []string `json:"stackTrace,omitempty"`
}

// InvokeError is returned by Function.Invoke for a failed invocation. Over net/rpc only
// Error() travels: it is ErrorMsg, the JSON ErrorMessage, whose errorType identifies the
// code (FunctionReturnError 500, panic 555, FunctionResponseTooLarge 507, otherwise 400).
type InvokeError struct {
	ErrorCode int    `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

func (e *InvokeError) Error() string { return e.ErrorMsg }

func newInvokeError(code int, message, errType string, stack []string) *InvokeError {
	body, err := json.Marshal(&ErrorMessage{ErrorMessage: message, ErrorType: errType, StackTrace: stack})
	if err != nil {
		body = []byte(`{"errorMessage":"internal error","errorType":"` + errType + `"}`)
	}
	return &InvokeError{ErrorCode: code, ErrorMsg: string(body)}
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

// NewFunctionWithEnv is NewFunction with an explicit configuration (tests).
func NewFunctionWithEnv(handler IRequestHandler, env *rtcontext.Env) *Function {
	return &Function{handler: handler, env: env}
}

// Invoke runs the handler once.
func (fn *Function) Invoke(req *common.InvokeRequest, resp *common.InvokeResponse) (err error) {
	if req == nil {
		return newInvokeError(CodeBadRequest, "bad request parameters", TypeFunctionLoadError, nil)
	}
	rq := rtcontext.NewRequest(req.Header)
	ctx := rtcontext.NewProvider(fn.env, rq)
	async := strings.EqualFold(rq.InvokeType, "async")
	payload := req.Payload
	if payload == nil {
		payload = []byte{} // gob does not distinguish nil from empty
	}

	defer func() {
		if r := recover(); r != nil {
			stack := panicStack()
			msg := fmt.Sprintf("%v", r)
			log := rtcontext.NewErrorLogger(rq.RequestID)
			log.Logf("function panicked: %s", msg)
			for _, frame := range stack {
				log.Logf("    %s", frame)
			}
			ie := newInvokeError(CodePanic, msg, TypePanic, stack)
			resp.StatusCode = ie.ErrorCode
			err = ie
		}
	}()

	result, herr := fn.handler.Handle(payload, ctx)
	if herr != nil {
		code, errType := CodeFunctionError, TypeFunctionReturnError
		if _, ok := herr.(*LoadError); ok {
			code, errType = CodeBadRequest, TypeFunctionLoadError
		}
		rtcontext.NewErrorLogger(rq.RequestID).Logf("%s", herr.Error())
		ie := newInvokeError(code, herr.Error(), errType, nil)
		resp.StatusCode = ie.ErrorCode
		return ie
	}
	if async {
		resp.StatusCode = http.StatusOK
		resp.Payload = []byte{}
		return nil
	}
	body, merr := resultBytes(result)
	if merr != nil {
		ie := newInvokeError(CodeFunctionError, "cannot marshal the result: "+merr.Error(), TypeFunctionReturnError, nil)
		resp.StatusCode = ie.ErrorCode
		return ie
	}
	if limit := fn.env.MaxResponseBodySize; limit > 0 && len(body) > limit {
		msg := fmt.Sprintf("response body size %d exceeds the limit of %d bytes", len(body), limit)
		rtcontext.NewErrorLogger(rq.RequestID).Logf("%s", msg)
		ie := newInvokeError(CodeResponseTooLarge, msg, TypeFunctionResponseTooLarge, nil)
		resp.StatusCode = ie.ErrorCode
		return ie
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

// resultBytes maps a handler result to the response body: nil is empty, []byte and string
// are sent as they are, anything else is JSON.
func resultBytes(v interface{}) ([]byte, error) {
	switch tv := v.(type) {
	case nil:
		return []byte{}, nil
	case []byte:
		if tv == nil {
			return []byte{}, nil
		}
		return tv, nil
	case string:
		return []byte(tv), nil
	default:
		return json.Marshal(tv)
	}
}

// panicStack lists the frames of the panicking goroutine, user code first, without the
// Go runtime, reflection and this package.
func panicStack() []string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := frames.Next()
		name := f.Function
		skip := strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "reflect.") ||
			strings.Contains(name, "go-runtime/pkg/runtime/fnhandler.") ||
			strings.HasPrefix(name, "net/rpc.")
		if !skip && name != "" {
			out = append(out, fmt.Sprintf("%s() %s:%d", shortName(name), trimPath(f.File), f.Line))
			if len(out) >= maxStackFrames {
				break
			}
		}
		if !more {
			break
		}
	}
	return out
}

func shortName(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func trimPath(file string) string {
	for _, root := range []string{os.Getenv("RUNTIME_CODE_ROOT"), runtime.GOROOT() + "/src"} {
		if root != "" && strings.HasPrefix(file, root+"/") {
			return file[len(root)+1:]
		}
	}
	return file
}
