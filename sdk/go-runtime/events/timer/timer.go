// Package timer holds the TIMER trigger event, with the type and fields of the platform's
// published module (go-runtime/events/timer).
package timer

import "fmt"

// TimerTriggerEvent is sent by a timer trigger.
type TimerTriggerEvent struct {
	Version     string `json:"version"`
	Time        string `json:"time"` // e.g. 2018-06-01T08:30:00+08:00
	TriggerName string `json:"trigger_name"`
	TriggerType string `json:"trigger_type"`
	UserEvent   string `json:"user_event"`
}

func (e *TimerTriggerEvent) String() string {
	return fmt.Sprintf("TimerTriggerEvent{version=%v, time=%v, trigger_name=%v, trigger_type=%v, user_event=%v}",
		e.Version, e.Time, e.TriggerName, e.TriggerType, e.UserEvent)
}
