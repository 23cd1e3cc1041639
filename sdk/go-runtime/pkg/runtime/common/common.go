// Package common holds the types exchanged between the platform and the function
// process over net/rpc.
package common

import (
	"net/http"

	fgcontext "huaweicloud.com/go-runtime/go-api/context"
)

// RuntimeLogger is the logger handed to handlers (same type as context.RuntimeLogger).
type RuntimeLogger = fgcontext.RuntimeLogger

// InvokeRequest is the argument of the Function.Invoke RPC: the event payload and the
// request headers (X-CFF-*).
type InvokeRequest struct {
	Payload []byte
	Header  http.Header
}

// InvokeResponse is the reply of a successful Function.Invoke RPC.
type InvokeResponse struct {
	StatusCode int
	Payload    []byte
}

// HealthCheckRequest is the argument of the Function.HealthCheck RPC.
type HealthCheckRequest struct{}

// HealthCheckResponse is the reply of the Function.HealthCheck RPC.
type HealthCheckResponse struct{}
