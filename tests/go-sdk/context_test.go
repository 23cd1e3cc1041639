// RuntimeContext has exactly the method set of the platform's published interface
// (go-runtime/go-api/context/client-context.go): each interface converts to the other, which
// compiles only when neither has a method the other lacks.
package gosdk

import (
	"testing"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime/common"
)

type platformRuntimeContext interface {
	GetRequestID() string
	GetRemainingTimeInMilliSeconds() int
	GetAccessKey() string
	GetSecretKey() string
	GetSecurityAccessKey() string
	GetSecuritySecretKey() string
	GetFunctionName() string
	GetUserData(string) string
	GetLogger() common.RuntimeLogger
	GetRunningTimeInSeconds() int
	GetVersion() string
	GetMemorySize() int
	GetCPUNumber() int
	GetProjectID() string
	GetPackage() string
	GetToken() string
	GetSecurityToken() string
	GetAlias() string
	GetStreamRunID() string
	GetStreamEnable() string
	GetStreamToken() string
	GetStreamAddr() string
	GetOriginVersionTag() string
	GetWorkflowStateID() string
	GetWorkflowID() string
	GetWorkflowRunID() string
	GetAlias2() string
}

func TestRuntimeContextMethodSet(t *testing.T) {
	var p platformRuntimeContext
	var c context.RuntimeContext = p
	p = c
	_ = p
}
