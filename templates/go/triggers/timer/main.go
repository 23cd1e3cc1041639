package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/timer"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves a timer trigger.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event timer.TimerTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a timer event: %w", err)
	}
	ctx.GetLogger().Logf("timer %s fired at %s", event.TriggerName, event.Time)

	// user_event is the trigger's "additional information": JSON or plain text.
	var details interface{} = event.UserEvent
	var parsed interface{}
	if json.Unmarshal([]byte(event.UserEvent), &parsed) == nil {
		details = parsed
	}
	return map[string]interface{}{
		"trigger":   event.TriggerName,
		"firedAt":   event.Time,
		"userEvent": details,
	}, nil
}

func main() {
	runtime.Register(handler)
}
