// Package common holds the types exchanged between the platform and the function process
// over net/rpc, and the logger interface, where the platform's published module has them
// (go-runtime/pkg/runtime/common).
package common

import "net/http"

// RuntimeLogger is the logger a handler gets from RuntimeContext.GetLogger: one line
// "<UTC time with milliseconds> <request id> <message>" on standard output per call.
type RuntimeLogger interface {
	Logf(format string, args ...interface{})
}

// InvokeResponse is the reply of a successful Function.Invoke call.
type InvokeResponse struct {
	StatusCode int
	Payload    []byte
}

// InvokeRequest is the argument of Function.Invoke: the event and the request headers
// (X-CFF-*). A request without a payload is refused ("bad request parameters"); note that
// gob sends an empty slice as no payload at all.
type InvokeRequest struct {
	Payload []byte
	Header  http.Header
}

// HealthCheckRequest is the argument of Function.HealthCheck.
type HealthCheckRequest struct{}

// HealthCheckResponse is the reply of Function.HealthCheck.
type HealthCheckResponse struct{}
