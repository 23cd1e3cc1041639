package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/cts"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves a CTS trigger: one audit record in Cts.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event cts.CTSTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a CTS event: %w", err)
	}
	c := event.Cts
	ctx.GetLogger().Logf("%s %s on %s %s by %s: %s",
		c.ServiceType, c.TraceName, c.ResourceType, c.ResourceName, c.User.Name, c.TraceStatus)
	return map[string]interface{}{
		"operation": c.TraceName,
		"resource":  c.ResourceName,
		"user":      c.User.Name,
		"status":    c.TraceStatus,
	}, nil
}

func main() {
	runtime.Register(handler)
}
