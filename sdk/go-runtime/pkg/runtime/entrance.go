// Package runtime starts a FunctionGraph Go function: Register serves the handler to the
// platform over net/rpc on HTTP (service "Function", methods Invoke and HealthCheck, the
// default RPC path /_goRPC_) at RUNTIME_API_ADDR, as the platform's published module does
// (go-runtime/pkg/runtime/entrance.go): the function binary is the server, the platform the
// client.
package runtime

import (
	"log"
	"net/http"
	"net/rpc"
	"os"

	"huaweicloud.com/go-runtime/pkg/runtime/fnhandler"
)

// Register serves handler, a func(payload []byte, ctx context.RuntimeContext) (T, error).
// It does not return.
func Register(handler interface{}) {
	RegisterHandler(fnhandler.NewHandler(handler))
}

// RegisterHandler serves an IRequestHandler. It does not return.
func RegisterHandler(handler fnhandler.IRequestHandler) {
	if err := rpc.Register(fnhandler.NewFunction(handler)); err != nil {
		log.Fatal("failed to register handler function")
	}
	rpc.HandleHTTP()
	// An unset RUNTIME_API_ADDR listens on every address, port 80, as on the platform.
	if err := http.ListenAndServe(os.Getenv("RUNTIME_API_ADDR"), nil); err != nil {
		log.Fatal(err)
	}
}
