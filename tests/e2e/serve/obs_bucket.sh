# OBS triggers on local buckets (issue 22): `cp` into .fstage/buckets/in/ fires the function
# within 100 ms with the object's key, size and ObjectCreated:Put; the trigger's suffix filter
# keeps a .png out (and serve says so); `rm` fires ObjectRemoved:Delete; `fstage emit obs put|delete` and the HTTP
# route do the same. Run as root and, where possible, rootless (nobody, via setpriv).
. "$(dirname "$0")/lib/serve.sh"
export FSTAGE_PYTHON=/usr/bin/python3  # one nobody may run too

proj=$T/proj
mkdir -p "$proj/fn"
cat >"$proj/fn/index.py" <<'PY'
import json, time

def handler(event, context):
    now = time.time()
    r = event["Records"][0]
    print("OBS %.6f %s %s %d %s" % (now, r["eventName"], r["s3"]["object"]["key"],
                                   r["s3"]["object"]["size"], r["s3"]["object"]["eTag"]))
    return "ok"
PY
cat >"$proj/fstage.yaml" <<'YAML'
name: obs
functions:
  onobs:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers:
      - type: OBS
        bucket: in
        events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"]
        suffix: .txt
YAML

# wait_line PATTERN: the function's first output line matching PATTERN (extended regex).
wait_line() {
  local i line
  for i in $(seq 1 100); do
    line=$(grep -oE "\"line\":\"$1[^\"]*" "$T/serve.log" | head -1 | sed 's/^"line":"//')
    [ -n "$line" ] && { echo "$line"; return 0; }
    sleep 0.05
  done
  return 1
}

scenario() {
  local who=$1
  cd "$proj"
  serve_start "$proj/fstage.yaml"
  [ -d "$proj/.fstage/buckets/in" ] || fail "$who: serve did not create the bucket directory"
  # A first object starts the instance; the next ones find it warm.
  echo warm >"$T/warm.txt"
  cp "$T/warm.txt" "$proj/.fstage/buckets/in/warm.txt"
  wait_line "OBS [0-9.]+ ObjectCreated:Put warm.txt" >/dev/null ||
    { tail -5 "$T/serve.log"; fail "$who: the first object did not fire"; }

  head -c 1234 /dev/urandom >"$T/data.txt"
  cp "$T/data.txt" "$proj/.fstage/buckets/in/data.txt"
  local done_at line
  done_at=$(date +%s.%N)
  line=$(wait_line "OBS [0-9.]+ ObjectCreated:Put data.txt") ||
    { tail -5 "$T/serve.log"; fail "$who: cp did not fire the function"; }
  local etag
  etag=$(md5sum "$T/data.txt" | cut -d' ' -f1)
  set -- $line
  [ "$4" = data.txt ] && [ "$5" = 1234 ] && [ "$6" = "$etag" ] ||
    fail "$who: event fields: $line (want data.txt 1234 $etag)"
  "$PYTHON" -c "import sys; d=float(sys.argv[1])-float(sys.argv[2]); print('$who: cp -> function: %.1f ms' % (d*1000)); sys.exit(0 if d < 0.1 else 1)" \
    "$2" "$done_at" || fail "$who: the function ran more than 100 ms after cp finished"

  # Subdirectories (created after serve started) are keys with '/'; the key is URL-encoded.
  mkdir -p "$proj/.fstage/buckets/in/sub dir/x"
  echo hi >"$proj/.fstage/buckets/in/sub dir/x/a.txt"
  wait_line "OBS [0-9.]+ ObjectCreated:Put sub\\+dir%2Fx%2Fa.txt 3" >/dev/null ||
    { grep '"line"' "$T/serve.log"; fail "$who: an object in a new subdirectory did not fire"; }

  # The suffix filter: a .png fires nothing.
  cp "$T/data.txt" "$proj/.fstage/buckets/in/image.png"
  rm "$proj/.fstage/buckets/in/data.txt"
  wait_line "OBS [0-9.]+ ObjectRemoved:Delete data.txt 0" >/dev/null ||
    { grep '"line"' "$T/serve.log"; fail "$who: rm did not fire ObjectRemoved:Delete"; }
  ! grep -q '"line":"[^"]*image.png' "$T/serve.log" || fail "$who: the .png fired the .txt trigger"
  # ... and serve says why, where the platform would be silent.
  assert_contains "$T/serve.log" "OBS in/image.png: no trigger fires ('onobs' takes only keys ending with '.txt')"

  # fstage emit and the HTTP route.
  echo "from emit" | "$FSTAGE" emit obs put in e/one.txt - >"$T/emit.out" ||
    fail "$who: fstage emit obs put failed"
  grep -qE "^put in/e/one.txt \(10 bytes\): fires onobs \([0-9a-f-]{36}\)$" "$T/emit.out" ||
    { cat "$T/emit.out"; fail "$who: emit put's answer (the function and its request id)"; }
  wait_line "OBS [0-9.]+ ObjectCreated:Put e%2Fone.txt 10" >/dev/null || fail "$who: emit put did not fire"
  [ "$(cat "$proj/.fstage/buckets/in/e/one.txt")" = "from emit" ] || fail "$who: emit put wrote the wrong bytes"
  code=$(req "$T/r" PUT /_fstage/emit/obs/in/skip.png --data-binary @"$T/data.txt")
  [ "$code" = 200 ] || { cat "$T/r"; fail "$who: PUT emit: $code"; }
  assert_contains "$T/r" '"functions":[]'
  "$FSTAGE" emit obs delete in e/one.txt --json >"$T/emit.json" || fail "$who: emit obs delete failed"
  assert_contains "$T/emit.json" '"event":"ObjectRemoved:Delete"'
  wait_line "OBS [0-9.]+ ObjectRemoved:Delete e%2Fone.txt" >/dev/null || fail "$who: emit delete did not fire"
  expect_exit 4 "$FSTAGE" emit obs delete in nothing.txt
  serve_stop TERM
  ! grep -q '"line":"[^"]*\(skip\|image\).png' "$T/serve.log" || fail "$who: a .png fired"
  rm -rf "$proj/.fstage"
  cd "$T"
}

scenario root-or-user

# Rootless: serve itself run as nobody.
run_as_nobody "$proj" scenario
