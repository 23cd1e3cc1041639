package main

import (
	"encoding/json"
	"fmt"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// ddsEvent is the event a DDS trigger sends. DDS sends "ns", "token" and "full_document" as
// JSON text inside strings, which the platform's dds.DDSTriggerEvent cannot decode (it types
// "ns" as an object), so the function decodes the event itself.
type ddsEvent struct {
	Records []struct {
		EventName string `json:"event_name"`
		Dds       struct {
			FullDocument string `json:"full_document"`
			Ns           string `json:"ns"`
		} `json:"dds"`
	} `json:"records"`
}

// handler serves a DDS trigger: change events in records.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event ddsEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not a DDS event: %w", err)
	}
	changes := []map[string]interface{}{}
	for _, record := range event.Records {
		var ns struct {
			Db   string `json:"db"`
			Coll string `json:"coll"`
		}
		if err := json.Unmarshal([]byte(record.Dds.Ns), &ns); err != nil {
			return nil, fmt.Errorf("ns: %w", err)
		}
		var document map[string]interface{}
		if err := json.Unmarshal([]byte(record.Dds.FullDocument), &document); err != nil {
			return nil, fmt.Errorf("full_document: %w", err)
		}
		ctx.GetLogger().Logf("%s on %s.%s", record.EventName, ns.Db, ns.Coll)
		changes = append(changes, map[string]interface{}{
			"operation":  record.EventName,
			"db":         ns.Db,
			"collection": ns.Coll,
			"document":   document,
		})
	}
	return map[string]interface{}{"changes": changes}, nil
}

func main() {
	runtime.Register(handler)
}
