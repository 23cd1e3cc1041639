// Package timer holds the timer trigger event.
package timer

import (
	"fmt"
	"time"
)

// TimerTriggerEvent is sent by a timer trigger (Rate or Cron schedule).
type TimerTriggerEvent struct {
	Version     string `json:"version"`
	Time        string `json:"time"`
	TriggerType string `json:"trigger_type"`
	TriggerName string `json:"trigger_name"`
	// UserEvent is the "additional information" configured on the trigger.
	UserEvent string `json:"user_event"`
}

// GetTime parses Time (RFC 3339, e.g. "2023-06-01T08:30:00+08:00").
func (e *TimerTriggerEvent) GetTime() (time.Time, error) {
	return time.Parse(time.RFC3339, e.Time)
}

func (e *TimerTriggerEvent) String() string {
	return fmt.Sprintf("TimerTriggerEvent{version=%q, time=%q, trigger_type=%q, trigger_name=%q, user_event=%q}",
		e.Version, e.Time, e.TriggerType, e.TriggerName, e.UserEvent)
}
