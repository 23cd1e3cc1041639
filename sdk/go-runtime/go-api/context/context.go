// Package context defines the context object a FunctionGraph Go handler receives:
//
//	func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error)
//
// registered with runtime.Register from huaweicloud.com/go-runtime/pkg/runtime.
//
// RuntimeContext has exactly the method set of the platform's published module
// (go-runtime/go-api/context/client-context.go in opentelekomcloud-community/
// otc-functiongraph-go-runtime, a copy of huaweicloud.com/go-runtime): code written against
// it compiles here, a mock context written for the platform implements it here, and a
// method the platform's interface lacks is not offered (the provider behind it has
// GetHandler and GetInitializerHandler, reachable by a type assertion, as there).
package context

import "huaweicloud.com/go-runtime/pkg/runtime/common"

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

	// GetFunctionName returns the function name.
	GetFunctionName() string

	// GetUserData returns the value of the function's environment variable key.
	GetUserData(string) string

	// GetLogger returns the logger bound to the current request.
	GetLogger() common.RuntimeLogger

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

	// GetToken returns the agency IAM token (needs an agency).
	GetToken() string

	// GetSecurityToken returns the temporary agency security token (needs an agency).
	GetSecurityToken() string

	// GetAlias returns the alias configured for the instance (RUNTIME_ALIAS).
	GetAlias() string

	// GetStreamRunID, GetStreamEnable, GetStreamToken and GetStreamAddr return the
	// stream-response settings of the invocation (headers X-Stream-*).
	GetStreamRunID() string
	GetStreamEnable() string
	GetStreamToken() string
	GetStreamAddr() string

	// GetOriginVersionTag returns the version tag the request was routed by
	// (header X-Cff-Origin-Version-Tag; "!<alias>" for alias invocations).
	GetOriginVersionTag() string

	// GetWorkflowStateID, GetWorkflowID and GetWorkflowRunID identify the workflow
	// (function flow) execution that invoked the function, if any.
	GetWorkflowStateID() string
	GetWorkflowID() string
	GetWorkflowRunID() string

	// GetAlias2 returns the alias the request came through: the origin version tag
	// without its "!" prefix, or "" when the tag has none.
	GetAlias2() string
}
