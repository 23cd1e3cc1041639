package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/dis"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves a DIS trigger: records in Message.Records, data base64-encoded.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event dis.DISTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a DIS event: %w", err)
	}
	records := []string{}
	for _, record := range event.Message.Records {
		raw, _ := base64.StdEncoding.DecodeString(record.Data)
		data := string(raw)
		ctx.GetLogger().Logf("stream %s partition %s seq %s: %s",
			event.StreamName, record.PartitionKey, record.SequenceNumber, data)
		records = append(records, data)
	}
	return map[string]interface{}{"stream": event.StreamName, "shard": event.ShardID, "records": records}, nil
}

func main() {
	runtime.Register(handler)
}
