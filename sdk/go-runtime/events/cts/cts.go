// Package cts holds the Cloud Trace Service (CTS) trigger event, with the types and fields
// of the platform's published module (go-runtime/events/cts).
package cts

import "fmt"

// Domain is the account of the user who made the traced request.
type Domain struct {
	Name string `json:"name"`
	Id   string `json:"id"`
}

func (d *Domain) String() string { return fmt.Sprintf("Domain{name='%v', id='%v'}", d.Name, d.Id) }

// User made the traced request.
type User struct {
	Name   string `json:"name"`
	Id     string `json:"id"`
	Domain Domain `json:"domain"`
}

func (u *User) String() string {
	return fmt.Sprintf("User{name=%v, id=%v, domain=%+v}", u.Name, u.Id, u.Domain)
}

// CTS is one trace. Request and Response are maps of strings: a trace whose request or
// response holds other JSON values fails to decode, as on the platform.
type CTS struct {
	Time         int64             `json:"time"`
	User         User              `json:"user"`
	Request      map[string]string `json:"request"`
	Response     map[string]string `json:"response"`
	Code         int               `json:"code"`
	ServiceType  string            `json:"service_type"`
	ResourceType string            `json:"resource_type"`
	ResourceName string            `json:"resource_name"`
	ResourceId   string            `json:"resource_id"`
	TraceName    string            `json:"trace_name"`
	TraceType    string            `json:"trace_type"`
	RecordTime   int64             `json:"record_time"`
	TraceId      string            `json:"trace_id"`
	TraceStatus  string            `json:"trace_status"`
}

func (c *CTS) String() string {
	return fmt.Sprintf("CTS{time='%v', user=%+v, request=%v, response=%v, code=%v, service_type='%v', "+
		"resource_type='%v', resource_name='%v', resource_id='%v', trace_name='%v', trace_type='%v', "+
		"record_time='%v', trace_id='%v', trace_status='%v'}",
		c.Time, c.User, c.Request, c.Response, c.Code, c.ServiceType, c.ResourceType, c.ResourceName,
		c.ResourceId, c.TraceName, c.TraceType, c.RecordTime, c.TraceId, c.TraceStatus)
}

// CTSTriggerEvent is sent by a CTS trigger.
type CTSTriggerEvent struct {
	Cts CTS `json:"cts"`
}

func (e *CTSTriggerEvent) String() string { return fmt.Sprintf("CTSTriggerEvent{cts=%+v}", e.Cts) }
