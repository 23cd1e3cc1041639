// Package kafka holds the DMS for Kafka trigger event, with the types and fields of the
// platform's published module (go-runtime/events/kafka).
package kafka

import "fmt"

// KAFKARecord is the batch of messages of one topic.
type KAFKARecord struct {
	Messages []string `json:"messages"`
	TopicId  string   `json:"topic_id"`
}

func (r *KAFKARecord) String() string {
	return fmt.Sprintf("KAFKARecord{messages:%+v, topic_id:%s}", r.Messages, r.TopicId)
}

// KAFKATriggerEvent is sent by a Kafka trigger.
type KAFKATriggerEvent struct {
	InstanceId   string        `json:"instance_id"`
	Records      []KAFKARecord `json:"records"`
	TriggerType  string        `json:"trigger_type"`
	Region       string        `json:"region"`
	EventTime    int64         `json:"event_time"`
	EventVersion string        `json:"event_version"`
}

func (e *KAFKATriggerEvent) String() string {
	return fmt.Sprintf("KAFKATriggerEvent{instance_id=%v, records=%+v, trigger_type=%v, region=%v, "+
		"event_time=%v, event_version=%v}", e.InstanceId, e.Records, e.TriggerType, e.Region, e.EventTime,
		e.EventVersion)
}
