// Package dis holds the Data Ingestion Service (DIS) trigger event.
package dis

import (
	"encoding/base64"
	"fmt"
)

// DISRecord is one record of the stream; Data is base64-encoded.
type DISRecord struct {
	PartitionKey   string `json:"partition_key"`
	Data           string `json:"data"`
	SequenceNumber string `json:"sequence_number"`
}

// GetRawData returns Data base64-decoded ("" when it is not valid base64).
func (r DISRecord) GetRawData() string {
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return ""
	}
	return string(b)
}

func (r DISRecord) String() string {
	return fmt.Sprintf("DISRecord{partition_key=%q, data=%q, sequence_number=%q}", r.PartitionKey, r.Data, r.SequenceNumber)
}

// DISMessage is the batch of records.
type DISMessage struct {
	NextPartitionCursor string      `json:"next_partition_cursor"`
	Records             []DISRecord `json:"records"`
	MillisBehindLatest  string      `json:"millis_behind_latest"`
}

func (m DISMessage) String() string {
	return fmt.Sprintf("DISMessage{next_partition_cursor=%q, records=%v, millis_behind_latest=%q}",
		m.NextPartitionCursor, m.Records, m.MillisBehindLatest)
}

// DISTriggerEvent is sent by a DIS trigger.
type DISTriggerEvent struct {
	ShardID    string     `json:"ShardID"`
	Message    DISMessage `json:"Message"`
	Tag        string     `json:"Tag"`
	StreamName string     `json:"StreamName"`
}

func (e *DISTriggerEvent) String() string {
	return fmt.Sprintf("DISTriggerEvent{ShardID=%q, Message=%v, Tag=%q, StreamName=%q}", e.ShardID, e.Message, e.Tag, e.StreamName)
}
