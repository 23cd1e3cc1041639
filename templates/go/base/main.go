package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// helloEvent is the expected event, e.g. {"name": "FunctionGraph"}.
type helloEvent struct {
	Name string `json:"name"`
}

// handler is called once per invocation with the raw event. The result is sent as JSON
// (string and []byte results are sent as they are); a non-nil error fails the invocation.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event helloEvent
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &event); err != nil {
			return nil, fmt.Errorf("invalid event: %w", err)
		}
	}
	name := event.Name
	if name == "" {
		name = "world"
	}
	greeting := ctx.GetUserData("GREETING")
	if greeting == "" {
		greeting = "Hello"
	}
	ctx.GetLogger().Logf("request %s: greeting %s", ctx.GetRequestID(), name)
	return map[string]interface{}{
		"message":     fmt.Sprintf("%s, %s!", greeting, name),
		"function":    ctx.GetFunctionName(),
		"requestId":   ctx.GetRequestID(),
		"remainingMs": ctx.GetRemainingTimeInMilliSeconds(),
	}, nil
}

func main() {
	runtime.Register(handler)
}
