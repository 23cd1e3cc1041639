// Package lts holds the Log Tank Service (LTS) trigger event.
package lts

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// LTSBody carries the subscribed logs, base64-encoded.
type LTSBody struct {
	Data string `json:"data"`
}

// GetRawData returns Data base64-decoded ("" when it is not valid base64).
func (b *LTSBody) GetRawData() string {
	raw, err := base64.StdEncoding.DecodeString(b.Data)
	if err != nil {
		return ""
	}
	return string(raw)
}

func (b LTSBody) String() string { return fmt.Sprintf("LTSBody{data=%q}", b.Data) }

// LTSLog is one log line.
type LTSLog struct {
	Message  string `json:"message"`
	Time     int64  `json:"time"`
	HostName string `json:"host_name"`
	IP       string `json:"ip"`
	Path     string `json:"path"`
	LogUID   string `json:"log_uid"`
	LineNo   int64  `json:"line_no"`
}

// LTSData is the decoded content of LTSBody.Data.
type LTSData struct {
	Owner      string `json:"owner"`
	LogGroupID string `json:"log_group_id"`
	LogTopicID string `json:"log_topic_id"`
	// Logs is the log lines, whether sent as a JSON array or as a string holding one.
	Logs []LTSLog `json:"-"`
}

// Decode base64-decodes and parses the data.
func (b *LTSBody) Decode() (*LTSData, error) {
	raw, err := base64.StdEncoding.DecodeString(b.Data)
	if err != nil {
		return nil, fmt.Errorf("lts data is not base64: %w", err)
	}
	var wire struct {
		LTSData
		Logs json.RawMessage `json:"logs"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return nil, fmt.Errorf("lts data is not JSON: %w", err)
	}
	out := wire.LTSData
	logs := []byte(wire.Logs)
	if len(logs) > 0 && logs[0] == '"' {
		var s string
		if err := json.Unmarshal(logs, &s); err != nil {
			return nil, err
		}
		logs = []byte(s)
	}
	if len(logs) > 0 && string(logs) != "null" {
		if err := json.Unmarshal(logs, &out.Logs); err != nil {
			return nil, fmt.Errorf("lts logs: %w", err)
		}
	}
	return &out, nil
}

// LTSTriggerEvent is sent by an LTS trigger.
type LTSTriggerEvent struct {
	Lts LTSBody `json:"lts"`
}

func (e *LTSTriggerEvent) String() string { return fmt.Sprintf("LTSTriggerEvent{lts=%v}", e.Lts) }
