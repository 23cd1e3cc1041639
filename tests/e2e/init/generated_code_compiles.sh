#!/usr/bin/env bash
# Every built-in template, plain and with every trigger variant, scaffolds code that passes its
# language's own offline check: py_compile, node --check, javac against the shipped API jar,
# go build against the shipped go-runtime module, bash -n for bootstrap scripts.
. "$(dirname "$0")/../lib/common.sh"

for tool in /usr/bin/python3 node javac go; do
  command -v "$tool" >/dev/null || skip "$tool not installed (scripts/install-deps.sh installs it)"
done
export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$T/gocache" GOPATH="$T/gopath" CGO_ENABLED=0

"$FSTAGE" templates --json > templates.json
/usr/bin/python3 - templates.json > variants.txt <<'PY'
import json, sys
for t in json.load(open(sys.argv[1])):
    for trig in [""] + t["triggers"]:
        print(t["id"], trig or "-")
PY

checked=0
java_sources=()
while read -r id trig; do
  dir="$T/p-$id-$trig"
  name="fn-$id-${trig/-/plain}"  # distinct names give the Java variants distinct packages
  args=(init "$dir" -t "$id" -n "$name")
  [ "$trig" = "-" ] || args+=(--trigger "$trig")
  expect_exit 0 "$FSTAGE" "${args[@]}"
  expect_exit 0 "$FSTAGE" validate -f "$dir/fstage.yaml"
  case "$id" in
    python | obs-pipeline) find "$dir" -name '*.py' -print0 | xargs -0 -n1 /usr/bin/python3 -m py_compile ;;
    nodejs) find "$dir" -name '*.js' -print0 | xargs -0 -n1 node --check ;;
    java) # compiled all at once below: one javac start instead of ten
      while IFS= read -r -d '' f; do java_sources+=("$f"); done < <(find "$dir/src" -name '*.java' -print0)
      jar="$dir/lib/fstage-runtime-api.jar" ;;
    go)
      (cd "$dir" && go build -o "$T/go-$trig" .)
      [ "$trig" != "-" ] || (cd "$dir" && go vet ./...) ;;
    custom | http)
      [ -x "$dir/bootstrap" ] || fail "$id: bootstrap not executable"
      bash -n "$dir/bootstrap"
      find "$dir" -name '*.js' -print0 | xargs -0 -r -n1 node --check ;;
    *) fail "no check for template $id" ;;
  esac || fail "$id/$trig: generated code does not compile"
  checked=$((checked + 1))
done < variants.txt
if [ ${#java_sources[@]} -gt 0 ]; then
  javac -nowarn -cp "$jar" -d "$T/classes" "${java_sources[@]}" || fail "java: generated code does not compile"
fi

[ "$checked" -ge 30 ] || fail "only $checked variants checked"
echo "ok: $checked template variants compile"
