// Package dds holds the Document Database Service (DDS) trigger event, with the types and
// fields of the platform's published module (go-runtime/events/dds). Every field is typed
// as there: "ns" must be an object and "full_document" and "token" strings, or decoding
// fails, as it does on the platform.
package dds

import "fmt"

// DDSNSBody names the database and collection.
type DDSNSBody struct {
	DB   string `json:"db"`
	Coll string `json:"coll"`
}

func (b *DDSNSBody) String() string { return fmt.Sprintf("DDSNSBody{db=%v, coll=%v}", b.DB, b.Coll) }

// DDSBody is the change.
type DDSBody struct {
	SizeBytes    string    `json:"size_bytes"`
	Token        string    `json:"token"`
	FullDocument string    `json:"full_document"`
	Ns           DDSNSBody `json:"ns"`
}

func (b *DDSBody) String() string {
	return fmt.Sprintf("DDSBody{size_bytes=%v, token=%v, full_document=%v, ns=%+v}",
		b.SizeBytes, b.Token, b.FullDocument, b.Ns)
}

// DDSRecord is one change event.
type DDSRecord struct {
	EventName     string  `json:"event_name"`
	EventVersion  string  `json:"event_version"`
	EventSource   string  `json:"event_source"`
	Region        string  `json:"region"`
	Dds           DDSBody `json:"dds"`
	EventSourceId string  `json:"event_source_id"`
}

func (r *DDSRecord) String() string {
	return fmt.Sprintf("DDSRecord{event_name=%v, event_version=%v, event_source=%v, region=%v, dds=%+v, "+
		"event_source_id=%v}", r.EventName, r.EventVersion, r.EventSource, r.Region, r.Dds, r.EventSourceId)
}

// DDSTriggerEvent is sent by a DDS trigger.
type DDSTriggerEvent struct {
	Records []DDSRecord `json:"records"`
}

func (e *DDSTriggerEvent) String() string {
	return fmt.Sprintf("DDSTriggerEvent{records=%+v}", e.Records)
}
