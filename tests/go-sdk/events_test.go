// The event types decode the platform's own sample events, and refuse what the platform's
// published types refuse (the same field types: a string map gets no numbers).
package gosdk

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"huaweicloud.com/go-runtime/events/apig"
	"huaweicloud.com/go-runtime/events/cts"
	"huaweicloud.com/go-runtime/events/dis"
	"huaweicloud.com/go-runtime/events/kafka"
	"huaweicloud.com/go-runtime/events/lts"
	obs "huaweicloud.com/go-runtime/events/obss3"
	"huaweicloud.com/go-runtime/events/smn"
	"huaweicloud.com/go-runtime/events/timer"
)

func decodeSample(t *testing.T, name string, v interface{}) {
	t.Helper()
	data, err := os.ReadFile("../fixtures/platform-events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestPlatformSamplesDecode(t *testing.T) {
	var a apig.APIGTriggerEvent
	decodeSample(t, "apig.json", &a)
	var o obs.OBSS3TriggerEvent
	decodeSample(t, "obs.json", &o)
	var d dis.DISTriggerEvent
	decodeSample(t, "dis.json", &d)
	var k kafka.KAFKATriggerEvent
	decodeSample(t, "kafka.json", &k)
	var l lts.LTSTriggerEvent
	decodeSample(t, "lts.json", &l)
	var s smn.SMNTriggerEvent
	decodeSample(t, "smn.json", &s)
	var tm timer.TimerTriggerEvent
	decodeSample(t, "timer.json", &tm)
	if a.HttpMethod == "" || len(o.Records) == 0 || o.Records[0].S3.Bucket.Name == "" ||
		d.ShardID == "" || len(k.Records) == 0 || l.Lts.Data == "" || len(s.Record) == 0 || tm.TriggerType == "" {
		t.Errorf("fields missing: %v %v %v %v %v %v %v", &a, &o, &d, &k, &l, &s, &tm)
	}
	// String() is on the pointer, as on the platform.
	for _, str := range []fmt.Stringer{&a, &o, &d, &k, &l, &s, &tm} {
		if !strings.Contains(str.String(), "{") {
			t.Errorf("String() = %q", str.String())
		}
	}
}

func TestStrictDecoding(t *testing.T) {
	var a apig.APIGTriggerEvent
	if err := json.Unmarshal([]byte(`{"queryStringParameters":{"q":1}}`), &a); err == nil {
		t.Error("a number in queryStringParameters decoded")
	}
	var c cts.CTSTriggerEvent
	if err := json.Unmarshal([]byte(`{"cts":{"request":{"a":{"b":1}}}}`), &c); err == nil {
		t.Error("an object in cts.request decoded")
	}
	var o obs.OBSS3TriggerEvent
	if err := json.Unmarshal([]byte(`{"Records":[{"s3":{"object":{"size":"12"}}}]}`), &o); err == nil {
		t.Error("a string object size decoded")
	}
}

func TestAPIGMethods(t *testing.T) {
	e := apig.APIGTriggerEvent{Body: "aGk=", IsBase64Encoded: false}
	if e.GetRawBody() != "hi" {
		t.Errorf("GetRawBody = %q: the platform decodes whatever isBase64Encoded says", e.GetRawBody())
	}
	var r apig.APIGTriggerResponse
	r.SetBase64EncodedBody("hi")
	if r.Body != "aGk=" || r.IsBase64Encoded {
		t.Errorf("SetBase64EncodedBody: %+v (the platform leaves isBase64Encoded alone)", r)
	}
}
