// Package context defines the context object a FunctionGraph Go handler receives.
//
// A handler has the shape
//
//	func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error)
//
// and is registered with runtime.Register from huaweicloud.com/go-runtime/pkg/runtime.
package context

// RuntimeLogger writes one log line per call, formatted as
// "<UTC time with milliseconds> <request id> <message>".
type RuntimeLogger interface {
	Logf(format string, args ...interface{})
}

// RuntimeContext gives the handler information about the invocation, the function
// configuration and the execution environment.
type RuntimeContext interface {
	// GetRequestID returns the id of the current request (header X-CFF-Request-Id).
	GetRequestID() string

	// GetRemainingTimeInMilliSeconds returns the time left before the invocation times out.
	GetRemainingTimeInMilliSeconds() int

	// GetAccessKey returns the agency access key.
	//
	// Deprecated: no longer maintained by the platform; use GetSecurityAccessKey.
	GetAccessKey() string

	// GetSecretKey returns the agency secret key.
	//
	// Deprecated: no longer maintained by the platform; use GetSecuritySecretKey.
	GetSecretKey() string

	// GetSecurityAccessKey returns the temporary agency access key (needs an agency).
	GetSecurityAccessKey() string

	// GetSecuritySecretKey returns the temporary agency secret key (needs an agency).
	GetSecuritySecretKey() string

	// GetSecurityToken returns the temporary agency security token (needs an agency).
	GetSecurityToken() string

	// GetToken returns the agency IAM token (needs an agency).
	GetToken() string

	// GetUserData returns the value of the function's environment variable key.
	GetUserData(key string) string

	// GetFunctionName returns the function name.
	GetFunctionName() string

	// GetRunningTimeInSeconds returns the configured timeout in seconds.
	GetRunningTimeInSeconds() int

	// GetVersion returns the function version being executed (e.g. "latest").
	GetVersion() string

	// GetMemorySize returns the configured memory in MB.
	GetMemorySize() int

	// GetCPUNumber returns the CPU share of the function in millicores.
	GetCPUNumber() int

	// GetProjectID returns the project id.
	GetProjectID() string

	// GetPackage returns the function's package (app), e.g. "default".
	GetPackage() string

	// GetAlias returns the alias the function was invoked through, or "".
	GetAlias() string

	// GetLogger returns the logger bound to the current request.
	GetLogger() RuntimeLogger

	// GetHandler returns the configured handler.
	GetHandler() string

	// GetInitializerHandler returns the configured initializer handler, or "".
	GetInitializerHandler() string

	// GetInitializerTimeout returns the configured initializer timeout in seconds.
	GetInitializerTimeout() int

	// GetStreamRunID, GetStreamEnable, GetStreamToken and GetStreamAddr return the
	// stream-response settings of the invocation (headers X-Stream-*).
	GetStreamRunID() string
	GetStreamEnable() string
	GetStreamToken() string
	GetStreamAddr() string

	// GetOriginVersionTag returns the version tag the request was routed by
	// (header X-Cff-Origin-Version-Tag; "!<alias>" for alias invocations).
	GetOriginVersionTag() string

	// GetWorkflowID, GetWorkflowRunID and GetWorkflowStateID identify the workflow
	// (function flow) execution that invoked the function, if any.
	GetWorkflowID() string
	GetWorkflowRunID() string
	GetWorkflowStateID() string
}
