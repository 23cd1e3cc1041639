# Stages and parameters (issue 23 item 3): `--stage prod` and `--stage dev` deploy side by side
# with their own names, memory, environment and region; a stage with `triggers: false` gets no
# triggers; .env.<stage> and --param values reach the deploy but no output; print shows the
# resolved manifest with them masked; a local invoke sees .env.<stage>; remove --stage dev
# leaves prod untouched (its function and its flow); `remote info` masks a substituted value.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud --region cn-north-4 --region eu-west-101
DEV_SECRET=devDotenvSecretP3k9Lq
PROD_SECRET=prodDotenvSecretW8n2Zt
PARAM_SECRET=paramSecretValueR5x7Hc
new_project app api
cd app
cat >fstage.yaml <<'YAML'
name: shop
region: cn-north-4
params:
  table: orders
stages:
  dev: {}
  prod:
    region: eu-west-101
    triggers: false
    params:
      table: orders_prod
    functions:
      api:
        memory: 512
        env:
          LEVEL: warn
functions:
  api:
    runtime: Python3.10
    handler: index.handler
    memory: 256
    env:
      LEVEL: debug
      TABLE: ${param:table}
      DB_PASSWORD: ${env:DB_PASSWORD}
      TOKEN: ${param:token, none}
    triggers:
      - {type: TIMER, schedule: "@every 5m"}
flows:
  greet:
    start: hi
    functions: [{name: hi, operation: api}]
    states:
      - {id: hi, name: hi, type: Operation, transition: done, actions: [{function_ref: {ref_name: hi}}]}
      - {id: done, name: done, type: End, end: true}
YAML
printf 'DB_PASSWORD=%s\n' "$DEV_SECRET" >.env
printf '# prod\nexport DB_PASSWORD="%s"\n' "$PROD_SECRET" >.env.prod

fs 0 validate
fs 0 validate --stage prod
fs 3 deploy --stage qa
assert_contains "$T/err" "stages: no stage 'qa' is declared; expected one of dev, prod"
fs 2 deploy --param nope
assert_contains "$T/err" "--param 'nope' is not KEY=VALUE"

fs 0 deploy --json
fs 0 deploy --stage prod --param "token=$PARAM_SECRET" --json
assert_contains "$T/out" 'eu-west-101'
fake_check "'api' in fns and 'api-prod' in fns" "dev and prod are two functions"
fake_check "sorted(w['name'] for w in s['workflows']) == ['greet', 'greet-prod']" "dev and prod are two flows"
fake_check "fns['api']['config']['memory_size'] == 256 and fns['api-prod']['config']['memory_size'] == 512"
fake_check "'$DEV_SECRET' in fns['api']['config']['user_data'] and '$PROD_SECRET' in fns['api-prod']['config']['user_data']"
fake_check "'\"TABLE\": \"orders_prod\"' in fns['api-prod']['config']['user_data'].replace(':\"', ': \"')"
fake_check "'$PARAM_SECRET' in fns['api-prod']['config']['user_data'] and '$PARAM_SECRET' not in fns['api']['config']['user_data']"
fake_check "len(fns['api']['triggers']) == 1 and len(fns['api-prod']['triggers']) == 0" \
  "triggers: false keeps prod's triggers off"
[ -f .fstage/deploy-state.json ] || fail "dev keeps the deploy state where it always was"
! grep -q 'api-prod' .fstage/deploy-state.json || fail "prod's functions are not in dev's state"
! grep -qs ':api"' .fstage/deploy-state.prod.json || fail "dev's functions are not in prod's state"

# A second deploy of each stage changes nothing; the other stage is left alone.
fs 0 deploy --stage prod --param "token=$PARAM_SECRET"
assert_not_contains "$T/err" "update configuration"
FSTAGE_STAGE=prod fs 0 deploy --dry-run --param "token=$PARAM_SECRET" -v
fs 0 deploy --list --stage prod
assert_contains "$T/out" "api-prod"
fs 0 remote info api --stage prod --json
assert_contains "$T/out" '"func_name": "api-prod"'

fs 0 print --stage prod --param "token=$PARAM_SECRET"
assert_contains "$T/out" "api: api-prod"
assert_contains "$T/out" "memory: 512"
assert_contains "$T/out" "DB_PASSWORD: \"****\""
fs 0 print --json
assert_contains "$T/out" '"name": "dev"'
# --show-values shows them (outside the scanned output)
"$FSTAGE" print --stage prod --show-values --param "token=$PARAM_SECRET" >"$T/shown" 2>&1 ||
  fail "print --show-values"
grep -qF "$PROD_SECRET" "$T/shown" || fail "print --show-values shows the values"

# A local run sees .env.<stage> (the function prints a digest, not the value).
cat >index.py <<'PY'
import hashlib, json, os
def handler(event, context):
    return {"db": hashlib.sha256(os.environ.get("DB_PASSWORD", "").encode()).hexdigest()}
PY
fs 0 invoke api --stage prod -v -e - <<<'{}'
assert_contains "$T/out" "$(printf '%s' "$PROD_SECRET" | sha256sum | cut -d' ' -f1)"

# remove --stage dev takes down dev only: prod keeps its function, settings and deploy state.
fs 0 remove --stage dev --dry-run
assert_contains "$T/err" "function api ("
assert_not_contains "$T/err" "api-prod"
fs 0 remove --stage dev --yes
fake_check "'api' not in fns and 'api-prod' in fns" "remove --stage dev left prod alone"
fake_check "[w['name'] for w in s['workflows']] == ['greet-prod']" "remove --stage dev left prod's flow alone"
fake_check "fns['api-prod']['config']['memory_size'] == 512"
# (index.py changed for the invoke above: prod's code update is all there is to do.)
fs 0 deploy --stage prod --param "token=$PARAM_SECRET"
assert_contains "$T/err" "update code"
assert_not_contains "$T/err" "create"
fs 0 remove --stage dev --yes
assert_contains "$T/err" "nothing to remove"

# A substituted value outside env (here a description) is hidden from the plan and --json too.
sed -i 's/^    memory: 256$/    memory: 256\n    description: "built with ${param:token, none}"/' fstage.yaml
fs 0 deploy --stage prod --param "token=$PARAM_SECRET" --dry-run
assert_contains "$T/err" "built with ****"
fs 0 deploy --stage prod --param "token=$PARAM_SECRET" --dry-run --json
assert_contains "$T/out" "built with ****"
# Deployed, the description holds the value; `remote info` prints what the platform returns,
# masked all the same (the loop below finds no secret in any output).
fs 0 deploy --stage prod --param "token=$PARAM_SECRET"
fake_check "fns['api-prod']['config']['description'] == 'built with $PARAM_SECRET'"
fs 0 remote info api --stage prod --param "token=$PARAM_SECRET" --json
assert_contains "$T/out" "built with ****"
# --show-values shows it (this output is kept out of the log the loop reads).
expect_exit 0 "$FSTAGE" remote info api --stage prod --param "token=$PARAM_SECRET" --json --show-values
assert_contains "$T/out" "built with $PARAM_SECRET"

for v in "$DEV_SECRET" "$PROD_SECRET" "$PARAM_SECRET"; do
  if grep -qF "$v" "$OUTPUT_LOG"; then
    grep -nF "$v" "$OUTPUT_LOG" | head -3
    fail "a secret value (${v:0:6}...) appeared in fstage's output"
  fi
done
assert_no_secrets
