package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/kafka"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves a Kafka trigger: messages grouped by topic in Records.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event kafka.KAFKATriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a Kafka event: %w", err)
	}
	count := 0
	for _, record := range event.Records {
		for _, message := range record.Messages {
			count++
			ctx.GetLogger().Logf("topic %s: %s", record.TopicId, message)
		}
	}
	return map[string]interface{}{"instance": event.InstanceId, "type": event.TriggerType, "messages": count}, nil
}

func main() {
	runtime.Register(handler)
}
