// Package apig holds the API Gateway (APIG) trigger event and the response a function
// returns to APIG: the types, fields and methods of the platform's published module
// (huaweicloud.com/go-runtime, as republished by Open Telekom Cloud in
// opentelekomcloud-community/otc-functiongraph-go-runtime, go-runtime/events/apig).
package apig

import (
	"encoding/base64"
	"fmt"
)

// APIGRequestContext describes the API and the request.
type APIGRequestContext struct {
	ApiId     string `json:"apiId"`
	RequestId string `json:"requestId"`
	Stage     string `json:"stage"`
	SourceIp  string `json:"sourceIp"`
}

// String has a value receiver, as on the platform.
func (rc APIGRequestContext) String() string {
	return fmt.Sprintf("APIGRequestContext{apiId='%s', requestId='%s', stage='%s', sourceIp='%s'}",
		rc.ApiId, rc.RequestId, rc.Stage, rc.SourceIp)
}

// APIGTriggerEvent is the event an APIG trigger sends. Header, query and path values are
// strings: an event carrying anything else fails to decode, as it does on the platform.
type APIGTriggerEvent struct {
	IsBase64Encoded       bool               `json:"isBase64Encoded"`
	HttpMethod            string             `json:"httpMethod"`
	Path                  string             `json:"path"`
	Body                  string             `json:"body"`
	PathParameters        map[string]string  `json:"pathParameters"`
	RequestContext        APIGRequestContext `json:"requestContext"`
	Headers               map[string]string  `json:"headers"`
	QueryStringParameters map[string]string  `json:"queryStringParameters"`
	UserData              string             `json:"user_data"` // set by a custom authorizer
}

// GetRawBody returns Body base64-decoded, whatever IsBase64Encoded says (the platform's
// method does not look at it), or "" when Body is not valid base64.
func (e *APIGTriggerEvent) GetRawBody() string {
	decoded, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return ""
	}
	return string(decoded)
}

func (e *APIGTriggerEvent) String() string {
	return fmt.Sprintf("APIGTriggerEvent{isBase64Encoded=%v, httpMethod='%v', path='%v', body='%v', "+
		"pathParamters=%v, requestContext=%v, headers=%v, queryStringParameters=%v, user_data=%+v}",
		e.IsBase64Encoded, e.HttpMethod, e.Path, e.Body, e.PathParameters, e.RequestContext,
		e.Headers, e.QueryStringParameters, e.UserData)
}

// APIGTriggerResponse is the result a function returns to APIG.
type APIGTriggerResponse struct {
	Body            string            `json:"body"`
	Headers         map[string]string `json:"headers"`
	StatusCode      int               `json:"statusCode"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// SetBase64EncodedBody stores body base64-encoded. Like the platform's method it leaves
// IsBase64Encoded alone: set it yourself.
func (r *APIGTriggerResponse) SetBase64EncodedBody(body string) {
	r.Body = base64.StdEncoding.EncodeToString([]byte(body))
}
