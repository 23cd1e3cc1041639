package main

import (
	"encoding/json"
	"fmt"
	"net/url"

	obs "huaweicloud.com/go-runtime/events/obss3"
	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

// handler serves an OBS trigger: S3-style notifications in Records.
func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var event obs.OBSS3TriggerEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("not an OBS event: %w", err)
	}
	objects := []map[string]interface{}{}
	for _, record := range event.Records {
		bucket, object := record.S3.Bucket.Name, record.S3.Object
		key, err := url.QueryUnescape(object.Key) // keys arrive URL-encoded, as in S3
		if err != nil {
			key = object.Key
		}
		ctx.GetLogger().Logf("%s: %s/%s (%d bytes)", record.EventName, bucket, key, object.Size)
		objects = append(objects, map[string]interface{}{
			"event": record.EventName, "bucket": bucket, "key": key, "size": object.Size,
		})
	}
	return map[string]interface{}{"objects": objects}, nil
}

func main() {
	runtime.Register(handler)
}
