// Package smn holds the Simple Message Notification (SMN) trigger event.
package smn

import (
	"encoding/json"
	"fmt"
)

// SMNBody is one SMN message.
type SMNBody struct {
	TopicUrn          string            `json:"topic_urn"`
	TimeStamp         string            `json:"timestamp"`
	MessageAttributes map[string]string `json:"message_attributes"`
	Message           string            `json:"message"`
	Type              string            `json:"type"`
	MessageId         string            `json:"message_id"`
	Subject           string            `json:"subject"`
}

// UnmarshalJSON tolerates message_attributes that are not an object (some samples send
// null or "None"); non-string attribute values are kept as their JSON text.
func (b *SMNBody) UnmarshalJSON(data []byte) error {
	type plain SMNBody
	var wire struct {
		plain
		MessageAttributes json.RawMessage `json:"message_attributes"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*b = SMNBody(wire.plain)
	b.MessageAttributes = nil
	var attrs map[string]json.RawMessage
	if len(wire.MessageAttributes) > 0 && json.Unmarshal(wire.MessageAttributes, &attrs) == nil && attrs != nil {
		b.MessageAttributes = make(map[string]string, len(attrs))
		for k, raw := range attrs {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				b.MessageAttributes[k] = s
			} else {
				b.MessageAttributes[k] = string(raw)
			}
		}
	}
	return nil
}

func (b SMNBody) String() string {
	return fmt.Sprintf("SMNBody{topic_urn=%q, timestamp=%q, message_attributes=%v, message=%q, type=%q, message_id=%q, subject=%q}",
		b.TopicUrn, b.TimeStamp, b.MessageAttributes, b.Message, b.Type, b.MessageId, b.Subject)
}

// SMNRecord is one notification delivered to the function.
type SMNRecord struct {
	EventVersion         string  `json:"event_version"`
	Smn                  SMNBody `json:"smn"`
	EventSubscriptionUrn string  `json:"event_subscription_urn"`
	EventSource          string  `json:"event_source"`
}

func (r SMNRecord) String() string {
	return fmt.Sprintf("SMNRecord{event_version=%q, smn=%v, event_subscription_urn=%q, event_source=%q}",
		r.EventVersion, r.Smn, r.EventSubscriptionUrn, r.EventSource)
}

// SMNTriggerEvent is sent by an SMN trigger. The records are under "record" (singular).
type SMNTriggerEvent struct {
	Record       []SMNRecord `json:"record"`
	FunctionName string      `json:"functionname,omitempty"`
	RequestId    string      `json:"requestId,omitempty"`
	TimeStamp    string      `json:"timestamp,omitempty"`
}

func (e *SMNTriggerEvent) String() string {
	return fmt.Sprintf("SMNTriggerEvent{record=%v, functionname=%q, requestId=%q, timestamp=%q}",
		e.Record, e.FunctionName, e.RequestId, e.TimeStamp)
}
