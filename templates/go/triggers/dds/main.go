package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/events/dds"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves a DDS trigger: change events in Records.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event dds.DDSTriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a DDS event: %w", err)
	}
	changes := []map[string]interface{}{}
	for _, record := range event.Records {
		var document map[string]interface{}
		if err := record.Dds.GetFullDocument(&document); err != nil {
			return nil, fmt.Errorf("full_document: %w", err)
		}
		ctx.GetLogger().Logf("%s on %s.%s", record.EventName, record.Dds.Ns.Db, record.Dds.Ns.Coll)
		changes = append(changes, map[string]interface{}{
			"operation":  record.EventName,
			"db":         record.Dds.Ns.Db,
			"collection": record.Dds.Ns.Coll,
			"document":   document,
		})
	}
	return map[string]interface{}{"changes": changes}, nil
}

func main() {
	runtime.Register(handler)
}
