package rtcontext

import (
	"net/http"
	"strings"
	"time"

	fgcontext "huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime/common"
)

// Request holds the per-invocation values taken from the request headers.
type Request struct {
	RequestID         string
	AccessKey         string
	SecretKey         string
	AuthToken         string
	SecurityAccessKey string
	SecuritySecretKey string
	SecurityToken     string
	InvokeType        string
	StreamRunID       string
	StreamEnable      string
	StreamToken       string
	StreamAddr        string
	OriginVersionTag  string
	WorkflowID        string
	WorkflowRunID     string
	WorkflowStateID   string
	Start             time.Time
}

// NewRequest reads the X-CFF-* / X-Stream-* headers of one invocation.
func NewRequest(h http.Header) *Request {
	if h == nil {
		h = http.Header{}
	}
	return &Request{
		RequestID:         h.Get("X-Cff-Request-Id"),
		AccessKey:         h.Get("X-Cff-Access-Key"),
		SecretKey:         h.Get("X-Cff-Secret-Key"),
		AuthToken:         h.Get("X-Cff-Auth-Token"),
		SecurityAccessKey: h.Get("X-Cff-Security-Access-Key"),
		SecuritySecretKey: h.Get("X-Cff-Security-Secret-Key"),
		SecurityToken:     h.Get("X-Cff-Security-Token"),
		InvokeType:        h.Get("X-Cff-Invoke-Type"),
		StreamRunID:       h.Get("X-Stream-Run-Id"),
		StreamEnable:      h.Get("X-Stream-Enable"),
		StreamToken:       h.Get("X-Stream-Token"),
		StreamAddr:        h.Get("X-Stream-Addr"),
		OriginVersionTag:  h.Get("X-Cff-Origin-Version-Tag"),
		WorkflowID:        h.Get("X-Cff-Workflow-Id"),
		WorkflowRunID:     h.Get("X-Cff-Workflow-Run-Id"),
		WorkflowStateID:   h.Get("X-Cff-Workflow-State-Id"),
		Start:             time.Now(),
	}
}

// Provider implements context.RuntimeContext for one invocation.
type Provider struct {
	env    *Env
	req    *Request
	logger *Logger
}

var _ fgcontext.RuntimeContext = (*Provider)(nil)

// NewProvider combines the function configuration and one request.
func NewProvider(env *Env, req *Request) *Provider {
	return &Provider{env: env, req: req, logger: NewLogger(req.RequestID)}
}

func (p *Provider) GetRequestID() string { return p.req.RequestID }

func (p *Provider) GetRemainingTimeInMilliSeconds() int {
	used := int(time.Since(p.req.Start) / time.Millisecond)
	left := p.env.Timeout*1000 - used
	if left < 0 {
		return 0
	}
	return left
}

func (p *Provider) GetAccessKey() string         { return p.req.AccessKey }
func (p *Provider) GetSecretKey() string         { return p.req.SecretKey }
func (p *Provider) GetSecurityAccessKey() string { return p.req.SecurityAccessKey }
func (p *Provider) GetSecuritySecretKey() string { return p.req.SecuritySecretKey }
func (p *Provider) GetSecurityToken() string     { return p.req.SecurityToken }
func (p *Provider) GetToken() string             { return p.req.AuthToken }

func (p *Provider) GetUserData(key string) string { return p.env.UserData[key] }

func (p *Provider) GetMaxRequestBodySize() int  { return p.env.MaxRequestBodySize }
func (p *Provider) GetPreStopHandler() string   { return p.env.PreStopHandler }
func (p *Provider) GetRunMaxStateSize() int     { return p.env.MaxStateSize }
func (p *Provider) GetMaxResponseBodySize() int { return p.env.MaxResponseBodySize }

func (p *Provider) GetFunctionName() string       { return p.env.FuncName }
func (p *Provider) GetRunningTimeInSeconds() int  { return p.env.Timeout }
func (p *Provider) GetVersion() string            { return p.env.FuncVersion }
func (p *Provider) GetMemorySize() int            { return p.env.Memory }
func (p *Provider) GetCPUNumber() int             { return p.env.CPU }
func (p *Provider) GetProjectID() string          { return p.env.ProjectID }
func (p *Provider) GetPackage() string            { return p.env.Package }
func (p *Provider) GetHandler() string            { return p.env.Handler }
func (p *Provider) GetInitializerHandler() string { return p.env.InitializerHandler }

// GetAlias returns RUNTIME_ALIAS, as the platform's provider does.
func (p *Provider) GetAlias() string { return p.env.Alias }

// GetAlias2 returns the origin version tag without its "!" prefix ("" without one).
// (The platform's module uses strings.CutPrefix, which needs Go 1.20; Go here is 1.19.)
func (p *Provider) GetAlias2() string {
	if strings.HasPrefix(p.req.OriginVersionTag, "!") {
		return p.req.OriginVersionTag[1:]
	}
	return ""
}

func (p *Provider) GetLogger() common.RuntimeLogger { return p.logger }

func (p *Provider) GetStreamRunID() string      { return p.req.StreamRunID }
func (p *Provider) GetStreamEnable() string     { return p.req.StreamEnable }
func (p *Provider) GetStreamToken() string      { return p.req.StreamToken }
func (p *Provider) GetStreamAddr() string       { return p.req.StreamAddr }
func (p *Provider) GetOriginVersionTag() string { return p.req.OriginVersionTag }
func (p *Provider) GetWorkflowID() string       { return p.req.WorkflowID }
func (p *Provider) GetWorkflowRunID() string    { return p.req.WorkflowRunID }
func (p *Provider) GetWorkflowStateID() string  { return p.req.WorkflowStateID }
