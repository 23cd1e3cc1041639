// Package runtime starts a FunctionGraph Go function: Register serves the handler to the
// platform over net/rpc (service "Function", methods Invoke and HealthCheck) on the address
// in RUNTIME_API_ADDR.
package runtime

import (
	"fmt"
	"net/http"
	"net/rpc"
	"os"

	"huaweicloud.com/go-runtime/pkg/runtime/fnhandler"
)

// DefaultAddr is used when RUNTIME_API_ADDR is not set (running the binary by hand).
const DefaultAddr = "127.0.0.1:8888"

// Register serves handler, which must have the shape
//
//	func(payload []byte, ctx context.RuntimeContext) (interface{}, error)
//
// (any result type instead of interface{} is accepted). It does not return.
func Register(handler interface{}) {
	if err := fnhandler.Validate(handler); err != nil {
		fmt.Fprintf(os.Stderr, "go-runtime: invalid handler: %v\n", err)
	}
	RegisterHandler(fnhandler.NewHandler(handler))
}

// RegisterHandler serves an IRequestHandler. It does not return.
func RegisterHandler(handler fnhandler.IRequestHandler) {
	if err := rpc.Register(fnhandler.NewFunction(handler)); err != nil {
		fmt.Fprintf(os.Stderr, "go-runtime: failed to register the handler: %v\n", err)
		os.Exit(1)
	}
	rpc.HandleHTTP()
	addr := os.Getenv("RUNTIME_API_ADDR")
	if addr == "" {
		addr = DefaultAddr
		fmt.Fprintf(os.Stderr, "go-runtime: RUNTIME_API_ADDR not set, listening on %s\n", addr)
	}
	if err := http.ListenAndServe(addr, nil); err != nil {
		fmt.Fprintf(os.Stderr, "go-runtime: %v\n", err)
		os.Exit(1)
	}
}
