// Package fnhandler adapts a user handler function to the Function RPC service.
package fnhandler

import (
	"fmt"
	"reflect"

	fgcontext "huaweicloud.com/go-runtime/go-api/context"
)

// HandlerFunc is the canonical handler signature.
type HandlerFunc func(payload []byte, ctx fgcontext.RuntimeContext) (interface{}, error)

// IRequestHandler is what the Function service invokes.
type IRequestHandler interface {
	Handle(payload []byte, ctx fgcontext.RuntimeContext) (interface{}, error)
}

// Handle lets a HandlerFunc be used directly as an IRequestHandler.
func (f HandlerFunc) Handle(payload []byte, ctx fgcontext.RuntimeContext) (interface{}, error) {
	return f(payload, ctx)
}

// LoadError reports a handler that cannot be called (wrong kind or signature).
type LoadError struct {
	Message string
}

func (e *LoadError) Error() string { return e.Message }

type faultHandler struct{ err *LoadError }

func (h faultHandler) Handle([]byte, fgcontext.RuntimeContext) (interface{}, error) {
	return nil, h.err
}

var (
	bytesType   = reflect.TypeOf([]byte(nil))
	contextType = reflect.TypeOf((*fgcontext.RuntimeContext)(nil)).Elem()
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
)

// checkSignature accepts func(payload []byte, ctx context.RuntimeContext) (T, error).
func checkSignature(t reflect.Type) error {
	if t.Kind() != reflect.Func {
		return fmt.Errorf("handler kind %s is not func", t.Kind())
	}
	if t.NumIn() != 2 || t.IsVariadic() || t.In(0) != bytesType || !contextType.AssignableTo(t.In(1)) {
		return fmt.Errorf("handler %s must take (payload []byte, ctx context.RuntimeContext)", t)
	}
	if t.NumOut() != 2 || !t.Out(1).Implements(errorType) {
		return fmt.Errorf("handler %s must return (interface{}, error)", t)
	}
	return nil
}

// Validate reports whether handler can be registered.
func Validate(handler interface{}) error {
	if handler == nil {
		return fmt.Errorf("handler is nil")
	}
	return checkSignature(reflect.TypeOf(handler))
}

// NewHandler wraps a handler function of the shape
//
//	func(payload []byte, ctx context.RuntimeContext) (T, error)
//
// An unusable handler yields an IRequestHandler whose every call fails with a LoadError.
func NewHandler(handler interface{}) IRequestHandler {
	if err := Validate(handler); err != nil {
		return faultHandler{err: &LoadError{Message: err.Error()}}
	}
	if f, ok := handler.(func([]byte, fgcontext.RuntimeContext) (interface{}, error)); ok {
		return HandlerFunc(f)
	}
	if f, ok := handler.(HandlerFunc); ok {
		return f
	}
	fn := reflect.ValueOf(handler)
	return HandlerFunc(func(payload []byte, ctx fgcontext.RuntimeContext) (interface{}, error) {
		out := fn.Call([]reflect.Value{reflect.ValueOf(payload), reflect.ValueOf(&ctx).Elem()})
		var err error
		if e := out[1].Interface(); e != nil {
			err = e.(error)
		}
		return out[0].Interface(), err
	})
}
