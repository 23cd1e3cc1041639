# Function settings against the strict local API: each single change (VPC with its agency,
# concurrency, reserved instances, async configuration, tags, log group, encrypted env, pre-stop)
# is applied with exactly the API calls it needs, a second deploy writes nothing, and removing
# a setting resets it. Encrypted values never appear in any output.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app hello
cd app

mark=0
# since_mark: "METHOD suffix" of every write since the last mark (suffix: the path's last part
# after the function URN), space-separated, e.g. "PUT config POST tags/create".
writes_since() {
  fake_get /__requests | "$PY" -c '
import json, re, sys
r = json.load(sys.stdin)[int(sys.argv[1]):]
out = []
for x in r:
    if x["method"] in ("GET", "HEAD"):
        continue
    m = re.search(r"urn:fss:[^/]*?(/.*)?$", x["path"])
    out.append(x["method"] + " " + (m.group(1)[1:] if m and m.group(1) else x["path"].rsplit("/", 1)[-1]))
print(" ".join(out))' "$mark"
}
set_mark() { mark=$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'); }
# deploy_expect "WRITES": deploys, then checks the writes were exactly these, then that a second
# deploy writes nothing.
deploy_expect() {
  set_mark
  fs 0 deploy
  local got
  got=$(writes_since)
  [ "$got" = "$1" ] || { cat "$T/err"; fail "writes: '$got', expected '$1'"; }
  set_mark
  fs 0 deploy
  assert_contains "$T/err" "hello: up to date, nothing to change"
  got=$(writes_since)
  [ -z "$got" ] || fail "a second deploy wrote: $got"
}
# settings YAML: replaces the settings block (between the markers) of the function.
settings() {
  "$PY" - "$1" <<'PY'
import re, sys
text = open("fstage.yaml").read()
text = re.sub(r"\n    # settings\{.*?# \}settings\n", "\n", text, flags=re.S)
block = "    # settings{\n" + "".join("    " + l + "\n" for l in sys.argv[1].splitlines()) + "    # }settings\n"
text = text.replace("    handler:", block + "    handler:", 1)
open("fstage.yaml", "w").write(text)
PY
}

# 0. plain function: no settings calls at all
deploy_expect "POST functions"
fake_check "not any('/tags' in x['path'] or 'async-invoke' in x['path'] for x in r)" \
  "a project without settings read no tags or async configuration"

# 1. VPC with its agency: one configuration update
settings 'xrole: fgs_vpc_agency
func_vpc: {vpc_id: 3f6c1a2e-vpc, subnet_id: 9b1d-subnet}'
deploy_expect "PUT config"
fake_check "fns['hello']['config']['func_vpc']['vpc_id'] == '3f6c1a2e-vpc' and fns['hello']['config']['xrole'] == 'fgs_vpc_agency'"

# 2. a VPC without its agency is refused offline, at the line, with the fix
settings 'func_vpc: {vpc_id: 3f6c1a2e-vpc, subnet_id: 9b1d-subnet}'
fs 3 deploy
assert_contains "$T/err" "fstage.yaml:"
assert_contains "$T/err" "a VPC needs an agency"
assert_contains "$T/err" "xrole"

# 3. concurrency: one configuration update that keeps the VPC
settings 'xrole: fgs_vpc_agency
func_vpc: {vpc_id: 3f6c1a2e-vpc, subnet_id: 9b1d-subnet}
strategy_config: {concurrency: 50, concurrent_num: 10}'
deploy_expect "PUT config"
fake_check "fns['hello']['config']['strategy_config'] == {'concurrency': 50, 'concurrent_num': 10} and fns['hello']['config']['func_vpc']['vpc_id'] == '3f6c1a2e-vpc'"

# 4. reserved instances: their own API only
settings 'xrole: fgs_vpc_agency
func_vpc: {vpc_id: 3f6c1a2e-vpc, subnet_id: 9b1d-subnet}
strategy_config: {concurrency: 50, concurrent_num: 10}
reserved_instances: 2'
deploy_expect "PUT reservedinstances"
fake_check "fns['hello']['settings']['reserved_instance_count'] == 2"

# 5. async configuration, then a change of it, each one PUT
settings 'xrole: fgs_vpc_agency
func_vpc: {vpc_id: 3f6c1a2e-vpc, subnet_id: 9b1d-subnet}
strategy_config: {concurrency: 50, concurrent_num: 10}
reserved_instances: 2
async_invoke: {max_async_retry_attempts: 2, on_failure: {destination: OBS, bucket: dead-letters}}'
deploy_expect "PUT async-invoke-config"
fake_check "fns['hello']['settings']['async_invoke_config']['max_async_retry_attempts'] == 2"
sed -i 's/max_async_retry_attempts: 2/max_async_retry_attempts: 0/' fstage.yaml
set_mark
fs 0 deploy
assert_contains "$T/err" "max_async_retry_attempts: 2 -> 0"
[ "$(writes_since)" = "PUT async-invoke-config" ] || fail "async change: $(writes_since)"

# 6. tags: added in one call; a changed value and a removed key in one delete and one create
cat >>fstage.yaml <<'YAML'
    tags: {team: payments, env: dev}
YAML
deploy_expect "POST tags/create"
fake_check "fns['hello']['settings']['tags'] == {'team': 'payments', 'env': 'dev'}"
sed -i 's/tags: {team: payments, env: dev}/tags: {team: billing}/' fstage.yaml
set_mark
fs 0 deploy
assert_contains "$T/err" "- remove tags env=dev, team=payments"
assert_contains "$T/err" "+ add tags team=billing"
[ "$(writes_since)" = "DELETE tags/delete POST tags/create" ] || fail "tag change: $(writes_since)"
fake_check "fns['hello']['settings']['tags'] == {'team': 'billing'}"

# 7. log group and stream: one configuration update
sed -i 's/^    tags: {team: billing}$/    tags: {team: billing}\n    log_config: {group_id: 4a1b-group, stream_id: 7c2d-stream}/' fstage.yaml
deploy_expect "PUT config"
fake_check "fns['hello']['config']['log_group_id'] == '4a1b-group' and fns['hello']['config']['log_stream_id'] == '7c2d-stream'"

# 8. encrypted env: sent once, compared by digest, never printed
secret=s3cr3t-Pa55w0rd-$RANDOM
printf '    encrypted_env: {DB_PASSWORD: %s}\n' "$secret" >>fstage.yaml
set_mark
fs 0 deploy --json
assert_contains "$T/err" "encrypted_user_data.DB_PASSWORD: added (value hidden)"
[ "$(writes_since)" = "PUT config" ] || fail "encrypted env: $(writes_since)"
fake_check "fns['hello']['settings']['encrypted_keys'] == ['DB_PASSWORD'] and '$secret' in fns['hello']['settings']['encrypted_user_data']"
fake_check "'encrypted_user_data' not in fns['hello']['config']" "the API model never shows encrypted values"
set_mark
fs 0 deploy -v
assert_contains "$T/err" "hello: up to date, nothing to change"
[ -z "$(writes_since)" ] || fail "unchanged encrypted env rewrote: $(writes_since)"
sed -i "s/DB_PASSWORD: $secret/DB_PASSWORD: other-$secret/" fstage.yaml
set_mark
fs 0 deploy
assert_contains "$T/err" "encrypted_user_data.DB_PASSWORD: changed (value hidden)"
[ "$(writes_since)" = "PUT config" ] || fail "encrypted change: $(writes_since)"
grep -q -- "$secret" .fstage/deploy-state.json && fail "the deploy state holds an encrypted value"
grep -q -- "$secret" "$OUTPUT_LOG" && fail "an encrypted value was printed"
# The state's digest is keyed by the user's digest-key (0600, beside the credentials): the
# state file alone lets nobody check a guess (a plain SHA-256 of the value would).
key_file=$XDG_CONFIG_HOME/fstage/digest-key
[ "$(stat -c %a "$key_file")" = 600 ] || fail "the digest key is not private: $(stat -c %a "$key_file")"
plain=$(printf 'fstage encrypted_user_data\ndefault:hello\nDB_PASSWORD\nother-%s' "$secret" | sha256sum | cut -d' ' -f1)
keyed=$(printf 'fstage encrypted_user_data\ndefault:hello\nDB_PASSWORD\nother-%s' "$secret" |
  openssl dgst -sha256 -mac HMAC -macopt "key:$(cat "$key_file")" | sed 's/.*= //')
grep -q "$plain" .fstage/deploy-state.json && fail "the deploy state holds an unkeyed digest"
grep -q "\"DB_PASSWORD\": *\"$keyed\"" .fstage/deploy-state.json ||
  { cat .fstage/deploy-state.json; fail "the deploy state's digest is not the keyed one"; }
# A key others can read is refused, with the fix.
chmod 644 "$key_file"
fs 21 deploy --dry-run
assert_contains "$T/err" "chmod 600 $key_file"
chmod 600 "$key_file"

# 9. pre-stop handler: one configuration update
printf 'def pre_stop(context):\n    pass\n' >>index.py
sed -i 's/^    tags: {team: billing}$/    tags: {team: billing}\n    pre_stop_handler: index.pre_stop\n    pre_stop_timeout: 10/' fstage.yaml
deploy_expect "PUT code PUT config"
fake_check "fns['hello']['config']['pre_stop_handler'] == 'index.pre_stop' and fns['hello']['config']['pre_stop_timeout'] == 10"

# 10. everything removed: each setting reset through its own API, in one deploy
settings ''
sed -i '/^    tags:/d; /^    log_config:/d; /^    encrypted_env:/d; /^    pre_stop_/d' fstage.yaml
set_mark
fs 0 deploy
assert_contains "$T/err" "delete async configuration"
assert_contains "$T/err" "set reserved instances to 0"
got=$(writes_since)
[ "$got" = "PUT reservedinstances PUT config DELETE async-invoke-config DELETE tags/delete" ] ||
  fail "reset: $got"
fake_check "(lambda c: c['func_vpc'] is None and c['xrole'] == '' and c['strategy_config']['concurrency'] == -1 and c['pre_stop_handler'] == '')(fns['hello']['config']) and fns['hello']['settings'] == dict(fns['hello']['settings'], reserved_instance_count=0, async_invoke_config=None, tags={}, encrypted_keys=[])"
set_mark
fs 0 deploy
assert_contains "$T/err" "hello: up to date, nothing to change"
[ -z "$(writes_since)" ] || fail "after the reset, a deploy wrote: $(writes_since)"

assert_no_secrets
