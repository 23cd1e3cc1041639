// Package apig holds the API Gateway (APIG) trigger event and the response a function
// returns to APIG.
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
	SourceIp  string `json:"sourceIp,omitempty"`
}

func (rc APIGRequestContext) String() string {
	return fmt.Sprintf("APIGRequestContext{apiId=%q, requestId=%q, stage=%q, sourceIp=%q}",
		rc.ApiId, rc.RequestId, rc.Stage, rc.SourceIp)
}

// APIGTriggerEvent is the event an APIG trigger sends. Header names are lower-case.
type APIGTriggerEvent struct {
	IsBase64Encoded       bool               `json:"isBase64Encoded"`
	HttpMethod            string             `json:"httpMethod"`
	Path                  string             `json:"path"`
	Body                  string             `json:"body"`
	PathParameters        map[string]string  `json:"pathParameters"`
	RequestContext        APIGRequestContext `json:"requestContext"`
	Headers               map[string]string  `json:"headers"`
	QueryStringParameters map[string]string  `json:"queryStringParameters"`
	// UserData is set by an APIG custom authorizer.
	UserData string `json:"user_data,omitempty"`
}

// GetRawBody returns the request body, base64-decoded when IsBase64Encoded is set
// ("" when the body is not valid base64).
func (e *APIGTriggerEvent) GetRawBody() string {
	if !e.IsBase64Encoded {
		return e.Body
	}
	decoded, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return ""
	}
	return string(decoded)
}

// GetHeader returns a request header; APIG lower-cases header names.
func (e *APIGTriggerEvent) GetHeader(name string) string {
	if v, ok := e.Headers[name]; ok {
		return v
	}
	for k, v := range e.Headers {
		if equalFold(k, name) {
			return v
		}
	}
	return ""
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func (e *APIGTriggerEvent) String() string {
	return fmt.Sprintf("APIGTriggerEvent{isBase64Encoded=%v, httpMethod=%q, path=%q, body=%q, "+
		"pathParameters=%v, requestContext=%v, headers=%v, queryStringParameters=%v, user_data=%q}",
		e.IsBase64Encoded, e.HttpMethod, e.Path, e.Body, e.PathParameters, e.RequestContext,
		e.Headers, e.QueryStringParameters, e.UserData)
}

// APIGTriggerResponse is the result a function returns to APIG; any other shape makes
// APIG answer 500.
type APIGTriggerResponse struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// SetBase64EncodedBody stores body base64-encoded and marks the response as encoded.
func (r *APIGTriggerResponse) SetBase64EncodedBody(body string) {
	r.Body = base64.StdEncoding.EncodeToString([]byte(body))
	r.IsBase64Encoded = true
}

// AddHeader sets one response header.
func (r *APIGTriggerResponse) AddHeader(key, value string) {
	if r.Headers == nil {
		r.Headers = map[string]string{}
	}
	r.Headers[key] = value
}

func (r *APIGTriggerResponse) String() string {
	return fmt.Sprintf("APIGTriggerResponse{statusCode=%d, headers=%v, body=%q, isBase64Encoded=%v}",
		r.StatusCode, r.Headers, r.Body, r.IsBase64Encoded)
}
