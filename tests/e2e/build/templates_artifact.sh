#!/usr/bin/env bash
# Every built-in template: right after init, `invoke` and `invoke --artifact` of the packaged zip
# give the same result (ignoring request ids and remaining time, which differ per request).
. "$(dirname "$0")/../invoke/lib/invoke.sh"
command -v unzip >/dev/null || skip "no unzip"
export GOPROXY=off GOTOOLCHAIN=local

# normalized FILE: the invoke --json record's result, JSON strings inside it parsed, and the
# per-request fields dropped.
normalized() {
  "$PYTHON" - "$1" <<'PY'
import base64, json, sys
# Date: an HTTP function's result keeps its server's response headers, as the platform does.
VOLATILE = {"requestId", "remainingMs", "x-cff-request-id", "Date"}
def norm(v):
    if isinstance(v, dict) and v.get("isBase64Encoded") is True and isinstance(v.get("body"), str):
        v = dict(v, body=base64.b64decode(v["body"]).decode("utf-8", "replace"))
    if isinstance(v, str):
        try:
            p = json.loads(v)
        except ValueError:
            return v
        return norm(p) if isinstance(p, (dict, list)) else v
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
j = json.load(open(sys.argv[1]))
assert j["status"] == "ok", j
print(json.dumps(norm(j["result"]), sort_keys=True))
PY
}

ran=
for rt in python3.10 nodejs18 java17 go custom http; do
  case $rt in
    python3.10) need=/usr/bin/python3 ;;
    nodejs18|http) need=node ;;
    java17) need=javac ;;
    go) need=go ;;
    custom) need=curl ;;
  esac
  if ! command -v "$need" >/dev/null; then echo "SKIP (part): $rt: no $need"; continue; fi
  name=t${rt//[^a-z0-9]/}
  expect_exit 0 "$FSTAGE" init "$name" -r "$rt"
  (
    cd "$name"
    expect_exit 0 "$FSTAGE" invoke -e event.json --json
    cp "$T/out" "$T/$name.build.json"
    want=$(normalized "$T/$name.build.json") || fail "$rt: invoke result: $(cat "$T/out")"
    expect_exit 0 "$FSTAGE" package
    zip=$(ls .fstage/dist/*.zip)
    [ "$(echo "$zip" | wc -l)" = 1 ] || fail "$rt: expected one zip, got: $zip"
    unzip -tq "$zip" >"$T/ut" || { cat "$T/ut"; fail "$rt: unzip -t $zip"; }
    expect_exit 0 "$FSTAGE" invoke -e event.json --json --artifact "$zip"
    cp "$T/out" "$T/$name.zip.json"
    got=$(normalized "$T/$name.zip.json") || fail "$rt: invoke --artifact result: $(cat "$T/out")"
    [ "$got" = "$want" ] || fail "$rt: invoke --artifact gave $got, the build gave $want"
    # A real answer, not two identical empty ones.
    case "$want" in *Hello*) ;; *) fail "$rt: no greeting in the result: $want" ;; esac
    echo "$rt: ok"
  )
  ran="$ran $rt"
done
[ -n "$ran" ] || skip "no runtime available"
echo "ok:$ran"
