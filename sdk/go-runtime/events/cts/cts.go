// Package cts holds the Cloud Trace Service (CTS) trigger event.
package cts

import "fmt"

// Domain is the account of the user.
type Domain struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// User is the user who performed the traced operation.
type User struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Domain Domain `json:"domain"`
}

// CTS is one audit record.
type CTS struct {
	Time         int64                  `json:"time"`
	User         User                   `json:"user"`
	Request      map[string]interface{} `json:"request"`
	Response     map[string]interface{} `json:"response"`
	Code         int                    `json:"code"`
	ServiceType  string                 `json:"service_type"`
	ResourceType string                 `json:"resource_type"`
	ResourceName string                 `json:"resource_name"`
	ResourceId   string                 `json:"resource_id"`
	TraceName    string                 `json:"trace_name"`
	TraceType    string                 `json:"trace_type"`
	RecordTime   int64                  `json:"record_time"`
	TraceId      string                 `json:"trace_id"`
	TraceStatus  string                 `json:"trace_status"`

	// Present in newer records.
	TraceRating       string `json:"trace_rating,omitempty"`
	APIVersion        string `json:"api_version,omitempty"`
	Message           string `json:"message,omitempty"`
	OperationID       string `json:"operation_id,omitempty"`
	ProjectID         string `json:"project_id,omitempty"`
	DomainID          string `json:"domain_id,omitempty"`
	SourceIP          string `json:"source_ip,omitempty"`
	ReadOnly          bool   `json:"read_only,omitempty"`
	ResourceAccountID string `json:"resource_account_id,omitempty"`
}

func (c CTS) String() string {
	return fmt.Sprintf("CTS{time=%d, user=%+v, code=%d, service_type=%q, resource_type=%q, resource_name=%q, resource_id=%q, trace_name=%q, trace_type=%q, record_time=%d, trace_id=%q, trace_status=%q}",
		c.Time, c.User, c.Code, c.ServiceType, c.ResourceType, c.ResourceName, c.ResourceId,
		c.TraceName, c.TraceType, c.RecordTime, c.TraceId, c.TraceStatus)
}

// CTSTriggerEvent is sent by a CTS trigger.
type CTSTriggerEvent struct {
	Cts CTS `json:"cts"`
}

func (e *CTSTriggerEvent) String() string { return fmt.Sprintf("CTSTriggerEvent{cts=%v}", e.Cts) }
