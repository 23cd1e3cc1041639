// Package dis holds the Data Ingestion Service (DIS) trigger event, with the types and
// fields of the platform's published module (go-runtime/events/dis).
package dis

import "fmt"

// DISRecord is one record of the stream; Data is base64-encoded.
type DISRecord struct {
	PartitionKey   string `json:"partition_key"`
	Data           string `json:"data"`
	SequenceNumber string `json:"sequence_number"`
}

func (r *DISRecord) String() string {
	return fmt.Sprintf("DISRecord{partition_key=%v, data=%v, sequence_number=%v}",
		r.PartitionKey, r.Data, r.SequenceNumber)
}

// DISMessage is the batch of records.
type DISMessage struct {
	NextPartitionCursor string      `json:"next_partition_cursor"`
	Records             []DISRecord `json:"records"`
	MillisBehindLatest  string      `json:"millis_behind_latest"`
}

func (d *DISMessage) String() string {
	return fmt.Sprintf("DISMessage{next_partition_cursor=%v, records=%+v, millisBehindLatest=%v}",
		d.NextPartitionCursor, d.Records, d.MillisBehindLatest)
}

// DISTriggerEvent is sent by a DIS trigger. Its fields carry no JSON tags on the platform
// either, so encoding/json matches "ShardID", "Message"... case-insensitively.
type DISTriggerEvent struct {
	ShardID    string
	Message    DISMessage
	Tag        string
	StreamName string
}

func (e *DISTriggerEvent) String() string {
	return fmt.Sprintf("DISTriggerEvent{ShardID=%v, Message=%+v, Tag=%v, StreamName=%v}",
		e.ShardID, e.Message, e.Tag, e.StreamName)
}
