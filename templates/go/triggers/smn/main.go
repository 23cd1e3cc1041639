package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/smn"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves an SMN trigger: the notifications are in Record.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event smn.SMNTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not an SMN event: %w", err)
	}
	subjects := []string{}
	for _, record := range event.Record {
		ctx.GetLogger().Logf("SMN message %s on %s: %s - %s",
			record.Smn.MessageId, record.Smn.TopicUrn, record.Smn.Subject, record.Smn.Message)
		subjects = append(subjects, record.Smn.Subject)
	}
	return map[string]interface{}{"handled": len(subjects), "subjects": subjects}, nil
}

func main() {
	runtime.Register(handler)
}
