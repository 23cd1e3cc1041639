// Package obs (directory obss3, imported as huaweicloud.com/go-runtime/events/obss3) holds
// the Object Storage Service (OBS) trigger event in its S3 notification layout, with the
// package name, types and fields of the platform's published module (go-runtime/events/obss3).
package obs

import "fmt"

// OBSS3BucketOwnerIdentity identifies the bucket owner ("PrincipalId", capitalised).
type OBSS3BucketOwnerIdentity struct {
	PrincipalId string `json:"PrincipalId"`
}

func (b *OBSS3BucketOwnerIdentity) String() string {
	return fmt.Sprintf("OBSS3BucketOwnerIdentity{PrincipalId=%v}", b.PrincipalId)
}

// OBSS3UserIdentity identifies the user who caused the event.
type OBSS3UserIdentity struct {
	PrincipalId string `json:"principalId"`
}

func (b *OBSS3UserIdentity) String() string {
	return fmt.Sprintf("OBSS3UserIdentity{principalId=%v}", b.PrincipalId)
}

// OBSS3Bucket is the bucket.
type OBSS3Bucket struct {
	Name          string                   `json:"name"`
	OwnerIdentity OBSS3BucketOwnerIdentity `json:"ownerIdentity"`
	Arn           string                   `json:"arn"`
}

func (b *OBSS3Bucket) String() string {
	return fmt.Sprintf("OBSS3Bucket{name=%v, ownerIdentity=%+v, arn=%v}", b.Name, b.OwnerIdentity, b.Arn)
}

// OBSS3Object is the object. Size is a number: a size sent as a string fails to decode.
type OBSS3Object struct {
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	Size      int64  `json:"size"`
	VersionId string `json:"versionId"`
	Sequencer string `json:"sequencer"`
}

func (b *OBSS3Object) String() string {
	return fmt.Sprintf("OBSS3Object{key=%v, etag=%v, size=%v, versionId=%v, sequencer=%v}",
		b.Key, b.ETag, b.Size, b.VersionId, b.Sequencer)
}

// OBSS3Body is the "s3" part of a record.
type OBSS3Body struct {
	S3SchemaVersion string      `json:"s3SchemaVersion"`
	ConfigurationId string      `json:"configurationId"`
	Bucket          OBSS3Bucket `json:"bucket"`
	Object          OBSS3Object `json:"object"`
}

func (b *OBSS3Body) String() string {
	return fmt.Sprintf("OBSS3Body{s3SchemaVersion=%v, configurationId=%v, bucket=%+v, object=%+v}",
		b.S3SchemaVersion, b.ConfigurationId, b.Bucket, b.Object)
}

// OBSS3Record is one notification. Request parameters and response elements are strings.
type OBSS3Record struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"` // e.g. ObjectCreated:Put
	UserIdentity      OBSS3UserIdentity `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                OBSS3Body         `json:"s3"`
}

func (r *OBSS3Record) String() string {
	return fmt.Sprintf("OBSS3Record{eventVersion=%v, eventSource=%v, awsRegion=%v, eventTime=%v, eventName=%v, "+
		"userIdentity=%+v, requestParameters=%v, responseElements=%v, s3=%+v}", r.EventVersion, r.EventSource,
		r.AWSRegion, r.EventTime, r.EventName, r.UserIdentity, r.RequestParameters, r.ResponseElements, r.S3)
}

// OBSS3TriggerEvent is sent by an OBS trigger; the records are under "Records".
type OBSS3TriggerEvent struct {
	Records []OBSS3Record `json:"Records"`
}

func (e *OBSS3TriggerEvent) String() string {
	return fmt.Sprintf("OBSS3TriggerEvent{records=%+v}", e.Records)
}
