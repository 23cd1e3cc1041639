# Under injected faults (500, 503, 429 with Retry-After, slow responses, dropped connections,
# before and after the server acted) deploy converges: exactly one function, no duplicate
# versions or triggers; exhausted retries and a dead endpoint end with the table's exit codes.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app hello
cd app
cat >>fstage.yaml <<'YAML'
    triggers:
      - { type: TIMER, schedule: 5m }
YAML
P=/v2/0123456789abcdef0123456789abcdef/fgs

# Reads fail with 503 and 500, the create is throttled (429 + Retry-After), then the create is
# carried out but its answer lost (dropped after): fstage must read before creating again.
fake_faults '[{"method": "GET", "path": "/v3/projects", "status": 503, "count": 1},
              {"method": "GET", "path": "/config$", "status": 500, "count": 2},
              {"method": "POST", "path": "'$P'/functions$", "status": 429, "retry_after": 1, "count": 1},
              {"method": "POST", "path": "'$P'/functions$", "drop": "after", "count": 1},
              {"method": "POST", "path": "/fgs/triggers/", "drop": "after", "count": 1}]'
fs 0 deploy -v --publish=v1
assert_contains "$T/err" "retrying in"
assert_contains "$T/err" "HTTP 429; retrying in 1.0s"
fake_check "len(fns) == 1 and len(fns['hello']['triggers']) == 1 and fns['hello']['versions'] == ['v1']" \
  "one function, one trigger, one version"
fake_check "sum(1 for x in r if x['method'] == 'POST' and x['path'].endswith('/fgs/functions')) == 2" \
  "the create was sent twice (429, then dropped after acting) and never a third time"

# A create that fails with 500 before acting is repeated once a read shows it absent; the
# version publish and trigger create lose their answers and are not repeated blindly.
fake_post /__reset '{}'
rm -f .fstage/deploy-state.json
fake_faults '[{"method": "POST", "path": "'$P'/functions$", "status": 500, "count": 1},
              {"method": "POST", "path": "/versions$", "drop": "after", "count": 1},
              {"method": "POST", "path": "/fgs/triggers/", "status": 502, "count": 1}]'
fs 0 deploy --publish
fake_check "len(fns) == 1 and len(fns['hello']['versions']) == 1 and len(fns['hello']['triggers']) == 1"
fs 0 deploy --publish
assert_contains "$T/err" "nothing to change"

# Slow answers: the call times out and, being a read, is repeated.
echo "# change" >>index.py
fake_faults '[{"method": "GET", "path": "/config$", "delay": 2.5, "count": 1},
              {"method": "PUT", "path": "/code$", "drop": "before", "count": 1}]'
fs 0 deploy --timeout 1
assert_contains "$T/err" "timed out"
fake_check "fns['hello']['config']['digest'] == '$(sha512sum .fstage/dist/hello.zip | cut -d' ' -f1)'"

# Retries run out: the API's error, exit 20 (remote).
fake_faults '[{"method": "GET", "path": "/config$", "status": 503, "count": 3}]'
fs 20 deploy --retries 2
assert_contains "$T/err" "HTTP 503"
fake_faults '[{"method": "GET", "path": "/config$", "status": 503, "count": 0}]'

# The platform's size limit: exit 7 (limit), with the OBS hint.
echo "# again" >>index.py
fake_faults '[{"method": "PUT", "path": "/code$", "status": 413, "error_code": "FSS.1071",
               "error_msg": "The code package exceeds 50 MB", "count": 1}]'
fs 7 deploy
assert_contains "$T/err" "FSS.1071: The code package exceeds 50 MB"
assert_contains "$T/err" "hint: the code package is too large for a direct upload (50 MB)"
fs 0 deploy

# Nothing listening: exit 22 (network).
fs 22 remote list --endpoint http://127.0.0.1:9 --retries 1
assert_contains "$T/err" "Couldn't connect"

fake_check "len(fns) == 1 and len(fns['hello']['versions']) == 1 and len(fns['hello']['triggers']) == 1"
assert_no_secrets
