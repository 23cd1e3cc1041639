// Package smn holds the Simple Message Notification (SMN) trigger event, with the types and
// fields of the platform's published module (go-runtime/events/smn).
package smn

import "fmt"

// SMNBody is the notification. Message attributes are strings, as on the platform.
type SMNBody struct {
	TopicUrn          string            `json:"topic_urn"`
	TimeStamp         string            `json:"timestamp"`
	MessageAttributes map[string]string `json:"message_attributes"`
	Message           string            `json:"message"`
	Type              string            `json:"type"`
	MessageId         string            `json:"message_id"`
	Subject           string            `json:"subject"`
}

func (b *SMNBody) String() string {
	return fmt.Sprintf("SMNBody{topic_urn=%v, timestamp=%v, message_attributes=%v, message=%v, type=%v, "+
		"message_id=%v, subject=%v}", b.TopicUrn, b.TimeStamp, b.MessageAttributes, b.Message, b.Type,
		b.MessageId, b.Subject)
}

// SMNRecord is one notification delivered to the function.
type SMNRecord struct {
	EventVersion         string  `json:"event_version"`
	EventSubscriptionUrn string  `json:"event_subscription_urn"`
	EventSource          string  `json:"event_source"`
	Smn                  SMNBody `json:"smn"`
}

func (r *SMNRecord) String() string {
	return fmt.Sprintf("SMNRecord{event_version=%v, event_subscription_urn=%v, event_source=%v, smn=%+v}",
		r.EventVersion, r.EventSubscriptionUrn, r.EventSource, r.Smn)
}

// SMNTriggerEvent is sent by an SMN trigger; the records are under "record" (singular).
type SMNTriggerEvent struct {
	Record []SMNRecord `json:"record"`
}

func (e *SMNTriggerEvent) String() string {
	return fmt.Sprintf("SMNTriggerEvent{record=%+v}", e.Record)
}
