// Package dds holds the Document Database Service (DDS) trigger event.
package dds

import (
	"encoding/json"
	"fmt"
)

// DDSNSBody names the changed collection.
type DDSNSBody struct {
	Db   string `json:"db"`
	Coll string `json:"coll"`
}

// DDSBody is one change. The platform sends token, full_document and ns as strings that
// hold JSON; older payloads sent them as objects. Both are accepted: Token and
// FullDocument always hold the JSON text, Ns is parsed.
type DDSBody struct {
	SizeBytes    string    `json:"size_bytes"`
	Token        string    `json:"token"`
	FullDocument string    `json:"full_document"`
	Ns           DDSNSBody `json:"ns"`
}

// UnmarshalJSON accepts the string and the object forms.
func (b *DDSBody) UnmarshalJSON(data []byte) error {
	var wire struct {
		SizeBytes    json.RawMessage `json:"size_bytes"`
		Token        json.RawMessage `json:"token"`
		FullDocument json.RawMessage `json:"full_document"`
		Ns           json.RawMessage `json:"ns"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*b = DDSBody{SizeBytes: text(wire.SizeBytes), Token: text(wire.Token), FullDocument: text(wire.FullDocument)}
	if ns := text(wire.Ns); ns != "" {
		if err := json.Unmarshal([]byte(ns), &b.Ns); err != nil {
			return fmt.Errorf("dds ns: %w", err)
		}
	}
	return nil
}

// text returns a JSON string's value, or the raw JSON of any other value.
func text(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return s
		}
	}
	return string(raw)
}

// GetFullDocument parses FullDocument (MongoDB extended JSON) into v.
func (b *DDSBody) GetFullDocument(v interface{}) error {
	return json.Unmarshal([]byte(b.FullDocument), v)
}

func (b DDSBody) String() string {
	return fmt.Sprintf("DDSBody{size_bytes=%q, token=%q, full_document=%q, ns=%+v}", b.SizeBytes, b.Token, b.FullDocument, b.Ns)
}

// DDSRecord is one change event.
type DDSRecord struct {
	EventSource   string  `json:"event_source"`
	EventName     string  `json:"event_name"`
	Region        string  `json:"region"`
	EventVersion  string  `json:"event_version"`
	Dds           DDSBody `json:"dds"`
	EventSourceId string  `json:"event_source_id"`
}

func (r DDSRecord) String() string {
	return fmt.Sprintf("DDSRecord{event_source=%q, event_name=%q, region=%q, event_version=%q, dds=%v, event_source_id=%q}",
		r.EventSource, r.EventName, r.Region, r.EventVersion, r.Dds, r.EventSourceId)
}

// DDSTriggerEvent is sent by a DDS trigger.
type DDSTriggerEvent struct {
	Records []DDSRecord `json:"records"`
}

func (e *DDSTriggerEvent) String() string {
	return fmt.Sprintf("DDSTriggerEvent{records=%v}", e.Records)
}
