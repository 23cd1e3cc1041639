# Deploy lifecycle against the strict local API: create -> second deploy is a no-op -> code change
# updates code only -> memory change updates config only -> publish and alias -> triggers added
# and removed -> remote invoke/list/info/logs -> remove. Nothing fstage prints holds a credential.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app hello
cd app

writes() { fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["method"] != "GET"))'; }

# 1. create (project id looked up through IAM, then cached)
fs 0 deploy -v
assert_contains "$T/err" "hello (new):"
assert_contains "$T/err" "+ create function"
assert_contains "$T/err" "GET /v3/projects -> 200"
digest=$(sha512sum .fstage/dist/hello.zip | cut -d' ' -f1)
fake_check "len(fns) == 1 and fns['hello']['config']['digest'] == '$digest'" "remote digest is the zip's SHA-512"
fake_check "fns['hello']['config']['user_data'] == '{\"GREETING\":\"Hello\"}'"
[ -f "$XDG_CONFIG_HOME/fstage/projects.json" ] || fail "project id not cached"

# 2. the second deploy changes nothing and says so; -vv names the target and whose
# credentials sign (never the credentials)
before=$(writes)
fs 0 deploy -vv
assert_contains "$T/err" "fstage: target region cn-north-4, endpoint $FAKE_URL,"
assert_contains "$T/err" "fstage: credentials from environment (HUAWEICLOUD_SDK_AK)"
assert_contains "$T/err" "hello: up to date, nothing to change"
assert_contains "$T/err" "nothing to change: 1 function is up to date"
assert_not_contains "$T/err" "GET /v3/projects"
[ "$(writes)" = "$before" ] || fail "a no-op deploy wrote something"

# 3. a code change uploads code only
echo "# v2" >>index.py
fs 0 deploy
assert_contains "$T/err" "~ update code"
assert_not_contains "$T/err" "update configuration"
fake_check "[x['method'] for x in r if x['method'] == 'PUT'] == ['PUT'] and r[-1]['path'].endswith('/code')"
fake_check "fns['hello']['config']['digest'] == '$(sha512sum .fstage/dist/hello.zip | cut -d' ' -f1)'"

# 4. a memory change updates the configuration only
sed -i 's/memory: 128/memory: 256/' fstage.yaml
fs 0 deploy
assert_contains "$T/err" "~ update configuration"
assert_contains "$T/err" "memory_size: 128 -> 256"
assert_not_contains "$T/err" "update code"
fake_check "fns['hello']['config']['memory_size'] == 256 and r[-1]['path'].endswith('/config')"

# 5. dry run: plan shown, nothing written; --json is JSON only on stdout
sed -i 's/timeout: 3/timeout: 10/' fstage.yaml
before=$(writes)
fs 0 deploy --dry-run --json
assert_contains "$T/err" "timeout: 3 -> 10"
assert_contains "$T/err" "dry run: 1 function would change; nothing was written"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["dry_run"] and j["changed"]' "$T/out" ||
  fail "--json output"
[ "$(writes)" = "$before" ] || fail "--dry-run wrote something"
fs 0 deploy -q
[ ! -s "$T/err" ] || fail "-q printed: $(cat "$T/err")"

# 6. publish and alias; repeating them changes nothing
fs 0 deploy --publish=v1 --alias prod
assert_contains "$T/err" "+ publish version v1"
assert_contains "$T/err" "+ create alias prod -> v1"
fake_check "fns['hello']['versions'] == ['v1'] and fns['hello']['aliases']['prod']['version'] == 'v1'"
fs 0 deploy --publish=v1 --alias prod
assert_contains "$T/err" "nothing to change"
fs 0 deploy --publish --alias prod
assert_contains "$T/err" "nothing to change"
echo "# v3" >>index.py
fs 0 deploy --publish --alias prod --weight v1=10
assert_contains "$T/err" "~ move alias prod"
fake_check "len(fns['hello']['versions']) == 2 and fns['hello']['aliases']['prod']['version'] == fns['hello']['versions'][1] and fns['hello']['aliases']['prod']['additional_version_weights'] == {'v1': 10}"
fs 5 deploy --publish=v1
assert_contains "$T/err" "version v1 exists with other code"

# 7. triggers: added, kept, a foreign one left alone, a dropped one removed
cat >>fstage.yaml <<'YAML'
    triggers:
      - { type: TIMER, schedule: 5m }
      - { type: SMN, topic_urn: "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:orders" }
YAML
fs 0 deploy
assert_contains "$T/err" "+ create trigger TIMER Rate 5m"
assert_contains "$T/err" "+ create trigger SMN"
fake_check "sorted(t['trigger_type_code'] for t in fns['hello']['triggers']) == ['SMN', 'TIMER']"
fs 0 deploy
assert_contains "$T/err" "nothing to change"
"$PY" - "$FAKE_URL" "$TEST_AK" "$TEST_SK" <<'PY' || fail "could not add a foreign trigger"
import json, sys, urllib.request
sys.path.insert(0, sys.argv[0] and __import__("os").environ["FSTAGE_SOURCE_DIR"] + "/tests/fakecloud")
import sign
url = sys.argv[1] + "/v2/0123456789abcdef0123456789abcdef/fgs/triggers/hello"
body = json.dumps({"trigger_type_code": "TIMER", "event_data": {"name": "console-made",
                   "schedule_type": "Cron", "schedule": "0 0 * * * *"}}).encode()
h = sign.sign_headers(sys.argv[2], sys.argv[3], "POST", url, body)
h.pop("host")
urllib.request.urlopen(urllib.request.Request(url, data=body, headers=h, method="POST"))
PY
sed -i '/type: TIMER/d' fstage.yaml
fs 0 deploy
assert_contains "$T/err" "- delete trigger TIMER fstage_"
assert_contains "$T/err" "console-made"
assert_contains "$T/err" "left alone"
fake_check "sorted(t['event_data'].get('name', t['trigger_type_code']) for t in fns['hello']['triggers']) == ['SMN', 'console-made']"
grep -q '"triggers"' .fstage/deploy-state.json || fail "deploy state not written"

# 8. the remote side
fs 0 remote invoke hello -e event.json
assert_contains "$T/out" '"echo"'
assert_contains "$T/err" "Start invoke request"
fake_check "r[-1]['x-cff-log-type'] == 'tail'"
fs 0 remote invoke hello --async
fs 0 remote list
assert_contains "$T/out" "hello"
fs 0 remote info hello --json
assert_contains "$T/out" '"versions"'
fs 0 remote logs hello
assert_contains "$T/out" "Start invoke request"
fs 2 remote remove hello --version v1 </dev/null
assert_contains "$T/err" "needs --yes"
fake_check "'v1' in fns['hello']['versions']" "refused removal removed nothing"
fs 0 remote remove hello --version v1 -v --yes
fake_check "fns['hello']['versions'] != [] and 'v1' not in fns['hello']['versions']" "version removed"
fs 0 remote remove hello --yes
fake_check "len(fns) == 0"
fs 4 remote info hello
assert_contains "$T/err" "does not exist"

assert_no_secrets
