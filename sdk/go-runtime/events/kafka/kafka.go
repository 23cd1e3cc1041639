// Package kafka holds the Kafka trigger event (DMS for Kafka and open-source Kafka; the
// RocketMQ trigger uses the same layout).
package kafka

import "fmt"

// KAFKARecord is the batch of messages of one topic.
type KAFKARecord struct {
	Messages []string `json:"messages"`
	TopicId  string   `json:"topic_id"`
	// InstanceId appears here in older payloads (newer ones carry it on the event).
	InstanceId string `json:"instance_id,omitempty"`
}

func (r KAFKARecord) String() string {
	return fmt.Sprintf("KAFKARecord{messages=%q, topic_id=%q}", r.Messages, r.TopicId)
}

// KAFKATriggerEvent is sent by a Kafka trigger.
type KAFKATriggerEvent struct {
	EventVersion string        `json:"event_version"`
	EventTime    int64         `json:"event_time"`
	TriggerType  string        `json:"trigger_type"`
	Region       string        `json:"region"`
	InstanceId   string        `json:"instance_id"`
	Records      []KAFKARecord `json:"records"`
}

func (e *KAFKATriggerEvent) String() string {
	return fmt.Sprintf("KAFKATriggerEvent{event_version=%q, event_time=%d, trigger_type=%q, region=%q, instance_id=%q, records=%v}",
		e.EventVersion, e.EventTime, e.TriggerType, e.Region, e.InstanceId, e.Records)
}

// DMSTriggerEvent is another name for KAFKATriggerEvent.
type DMSTriggerEvent = KAFKATriggerEvent
