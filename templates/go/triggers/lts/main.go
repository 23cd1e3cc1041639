package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/lts"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves an LTS trigger: Lts.Data is base64 of JSON whose "logs" holds the log lines.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event lts.LTSTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not an LTS event: %w", err)
	}
	data, err := event.Lts.Decode()
	if err != nil {
		return nil, err
	}
	for _, line := range data.Logs {
		ctx.GetLogger().Logf("%s %s:%d %s", line.HostName, line.Path, line.LineNo, line.Message)
	}
	return map[string]interface{}{
		"logGroup": data.LogGroupID,
		"logTopic": data.LogTopicID,
		"lines":    len(data.Logs),
	}, nil
}

func main() {
	runtime.Register(handler)
}
