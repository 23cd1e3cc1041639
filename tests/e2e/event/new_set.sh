# fstage event new TRIGGER --set path=value prints the edited sample.
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
PY=/usr/bin/python3
expect_exit 0 "$FSTAGE" event new obs --set 'Records[0].s3.object.key=photo.jpg'
"$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['Records'][0]['s3']['object']['key']=='photo.jpg'" "$T/out" ||
  fail "key not set"
expect_exit 0 "$FSTAGE" event new apig-base64 --set 'body=hi there'
"$PY" -c "import json,sys,base64; j=json.load(open(sys.argv[1])); assert base64.b64decode(j['body'])==b'hi there'" "$T/out" ||
  fail "base64 body"
expect_exit 0 "$FSTAGE" event new lts --set 'lts.data.logs[0].message=boom'
"$PY" -c "
import json,sys,base64
j=json.load(open(sys.argv[1])); d=json.loads(base64.b64decode(j['lts']['data']))
assert json.loads(d['logs'])[0]['message']=='boom'" "$T/out" || fail "lts nested base64"
expect_exit 0 "$FSTAGE" event new timer -o "$T/timer.json"
assert_contains "$T/timer.json" '"trigger_type": "TIMER"'
expect_exit 4 "$FSTAGE" event new nosuch
expect_exit 3 "$FSTAGE" event new obs --set 'Records[0].s3.object.size=big'
assert_contains "$T/err" "holds number"
expect_exit 3 "$FSTAGE" event new obs --set 'Records[0].obs.object.key=x'
assert_contains "$T/err" "has no key 'obs'"
# String fields stay strings: API Gateway sends ?q=1 as "1"; JSON where the field is not one.
expect_exit 0 "$FSTAGE" event new apig --set queryStringParameters.q=1 --set pathParameters.id=7 \
  --set isBase64Encoded=true
"$PY" -c "
import json,sys
j=json.load(open(sys.argv[1]))
assert j['queryStringParameters']['q'] == '1', j['queryStringParameters']
assert j['pathParameters']['id'] == '7', j['pathParameters']
assert j['isBase64Encoded'] is True" "$T/out" || fail "APIG parameters must be strings"
