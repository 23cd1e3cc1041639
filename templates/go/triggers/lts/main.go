package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/lts"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// ltsData is what Lts.Data holds once base64-decoded; "logs" is a JSON string holding an
// array of log lines.
type ltsData struct {
	LogGroupID string `json:"log_group_id"`
	LogTopicID string `json:"log_topic_id"`
	Logs       string `json:"logs"`
}

type ltsLine struct {
	Message  string `json:"message"`
	HostName string `json:"host_name"`
	Path     string `json:"path"`
	LineNo   int64  `json:"line_no"`
}

// handler serves an LTS trigger: Lts.Data is base64 of JSON whose "logs" holds the log lines.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event lts.LTSTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not an LTS event: %w", err)
	}
	var data ltsData
	if err := json.Unmarshal([]byte(event.Lts.GetRawData()), &data); err != nil {
		return nil, fmt.Errorf("lts.data: %w", err)
	}
	var lines []ltsLine
	if err := json.Unmarshal([]byte(data.Logs), &lines); err != nil {
		return nil, fmt.Errorf("lts logs: %w", err)
	}
	for _, line := range lines {
		ctx.GetLogger().Logf("%s %s:%d %s", line.HostName, line.Path, line.LineNo, line.Message)
	}
	return map[string]interface{}{
		"logGroup": data.LogGroupID,
		"logTopic": data.LogTopicID,
		"lines":    len(lines),
	}, nil
}

func main() {
	runtime.Register(handler)
}
