// Package fnhandler adapts a user handler to the Function RPC service, with the exported
// names and the behaviour of the platform's published module (go-runtime/pkg/runtime/
// fnhandler in opentelekomcloud-community/otc-functiongraph-go-runtime, handler.go).
package fnhandler

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"huaweicloud.com/go-runtime/go-api/context"
)

// HandlerFunc is the canonical handler signature.
type HandlerFunc func([]byte, context.RuntimeContext) (interface{}, error)

// IRequestHandler is what the Function service invokes.
type IRequestHandler interface {
	Handle(payload []byte, ctx context.RuntimeContext) (interface{}, error)
}

// RequestHandler is the IRequestHandler NewHandler makes.
type RequestHandler struct {
	handlerFunc HandlerFunc
}

// Handle calls the handler.
func (h *RequestHandler) Handle(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	return h.handlerFunc(payload, ctx)
}

// FunctionLoadFailedError reports a handler that cannot be called at all.
type FunctionLoadFailedError struct {
	StatusCode   int
	ErrorMessage string
}

func (e *FunctionLoadFailedError) Error() string { return e.ErrorMessage }

// FaultRequestHandler fails every call with its load error.
type FaultRequestHandler struct {
	err *FunctionLoadFailedError
}

// Handle returns the load error.
func (h *FaultRequestHandler) Handle([]byte, context.RuntimeContext) (interface{}, error) {
	return nil, h.err
}

// errEmptyResponse is what a nil result becomes, whatever the error beside it: on the
// platform `return nil, nil` fails with "response is empty", and so does `return nil, err`
// (err is not looked at). A typed nil (a nil pointer, slice or map) is not nil here and
// is marshalled ("null").
var errEmptyResponse = errors.New("response is empty")

// NewHandler wraps any func value. Only its kind is checked, as on the platform: a func
// of another shape panics when called, and the invocation fails as a panic.
func NewHandler(handlerFunc interface{}) IRequestHandler {
	if handlerFunc == nil {
		return &FaultRequestHandler{err: &FunctionLoadFailedError{
			StatusCode: http.StatusBadRequest, ErrorMessage: "handler is nil"}}
	}
	kind := reflect.TypeOf(handlerFunc).Kind()
	if kind != reflect.Func {
		return &FaultRequestHandler{err: &FunctionLoadFailedError{StatusCode: http.StatusBadRequest,
			ErrorMessage: fmt.Sprintf("handler kind %s is not %s", kind, reflect.Func)}}
	}
	fn := reflect.ValueOf(handlerFunc)
	return &RequestHandler{handlerFunc: func(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
		out := fn.Call([]reflect.Value{reflect.ValueOf(payload), reflect.ValueOf(ctx)})
		result := out[0].Interface()
		if result == nil {
			return nil, errEmptyResponse
		}
		err, _ := out[1].Interface().(error)
		return result, err
	}}
}
