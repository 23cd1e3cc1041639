package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/apig"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves an APIG trigger: it decodes the request and returns the APIG response shape.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event apig.APIGTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not an APIG event: %w", err)
	}
	body := event.Body
	if event.IsBase64Encoded {
		body = event.GetRawBody() // GetRawBody always base64-decodes
	}
	ctx.GetLogger().Logf("%s %s from %s", event.HttpMethod, event.Path, event.Headers["x-real-ip"])

	var input struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal([]byte(body), &input)
	if input.Name == "" {
		input.Name = "world"
	}
	result, err := json.Marshal(map[string]interface{}{
		"message":   "Hello, " + input.Name + "!",
		"method":    event.HttpMethod,
		"path":      event.Path,
		"query":     event.QueryStringParameters,
		"requestId": ctx.GetRequestID(),
	})
	if err != nil {
		return nil, err
	}
	return apig.APIGTriggerResponse{
		StatusCode:      200,
		Headers:         map[string]string{"Content-Type": "application/json"},
		Body:            string(result),
		IsBase64Encoded: false,
	}, nil
}

func main() {
	runtime.Register(handler)
}
