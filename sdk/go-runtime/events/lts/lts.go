// Package lts holds the Log Tank Service (LTS) trigger event, with the types and fields of
// the platform's published module (go-runtime/events/lts).
package lts

import (
	"encoding/base64"
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

func (b *LTSBody) String() string { return fmt.Sprintf("LTSBody{data='%v'}", b.Data) }

// LTSTriggerEvent is sent by an LTS trigger.
type LTSTriggerEvent struct {
	Lts LTSBody `json:"lts"`
}

func (e *LTSTriggerEvent) String() string { return fmt.Sprintf("LTSTriggerEvent{lts=%+v}", e.Lts) }
