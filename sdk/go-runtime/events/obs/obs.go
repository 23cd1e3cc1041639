// Package obs holds the Object Storage Service (OBS) trigger event, which uses the
// S3 notification layout ("Records").
package obs

import (
	"fmt"
	"net/url"
)

// OBSUserIdentity identifies the user who caused the event.
type OBSUserIdentity struct {
	PrincipalId string `json:"principalId"`
}

// OBSOwnerIdentity identifies the bucket owner (note the capitalised JSON key).
type OBSOwnerIdentity struct {
	PrincipalId string `json:"PrincipalId"`
}

// OBSBucket describes the bucket.
type OBSBucket struct {
	Name          string           `json:"name"`
	OwnerIdentity OBSOwnerIdentity `json:"ownerIdentity"`
	Arn           string           `json:"arn"`
}

// OBSObject describes the object. Key is URL-encoded; see DecodedKey.
type OBSObject struct {
	Key       string `json:"key"`
	ETag      string `json:"eTag"`
	Size      int64  `json:"size"`
	VersionId string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// DecodedKey returns the object key with its URL encoding removed.
func (o OBSObject) DecodedKey() string {
	k, err := url.QueryUnescape(o.Key)
	if err != nil {
		return o.Key
	}
	return k
}

// OBSS3Body is the "s3" part of a record.
type OBSS3Body struct {
	S3SchemaVersion string    `json:"s3SchemaVersion,omitempty"`
	ConfigurationId string    `json:"configurationId"`
	Bucket          OBSBucket `json:"bucket"`
	Object          OBSObject `json:"object"`
}

// OBSS3Record is one object notification.
type OBSS3Record struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource,omitempty"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      OBSUserIdentity   `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements,omitempty"`
	S3                OBSS3Body         `json:"s3"`
}

func (r OBSS3Record) String() string {
	return fmt.Sprintf("OBSS3Record{eventName=%q, eventTime=%q, awsRegion=%q, bucket=%q, key=%q, size=%d}",
		r.EventName, r.EventTime, r.AWSRegion, r.S3.Bucket.Name, r.S3.Object.Key, r.S3.Object.Size)
}

// OBSS3TriggerEvent is sent by an OBS trigger.
type OBSS3TriggerEvent struct {
	Records []OBSS3Record `json:"Records"`
}

func (e *OBSS3TriggerEvent) String() string {
	return fmt.Sprintf("OBSS3TriggerEvent{Records=%v}", e.Records)
}

// Alternative names for the same types.
type (
	OBSTriggerEvent = OBSS3TriggerEvent
	OBSRecord       = OBSS3Record
	OBSBody         = OBSS3Body
)
