# Scaffolded Python, Node.js, Java, Go, Custom and HTTP functions behind APIG routes in one
# gateway: each answers a GET with its path and query, and a POST body round-trips.
. "$(dirname "$0")/lib/serve.sh"
command -v node >/dev/null || skip "no Node.js (scripts/install-deps.sh installs it)"
runtimes=(python nodejs custom http)
command -v javac >/dev/null && runtimes+=(java) || echo "note: no javac, Java not covered"
command -v go >/dev/null && runtimes+=(go) || echo "note: no go toolchain, Go not covered"
export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$T/gocache" GOPATH="$T/gopath" CGO_ENABLED=0

# The outer manifest is put in place after the scaffolds: init refuses a project inside another.
{
  echo "name: runtimes"
  echo "functions:"
} >"$T/outer.yaml"
for r in "${runtimes[@]}"; do
  expect_exit 0 "$FSTAGE" init "$T/$r" -r "$r" -n "$r" --trigger apig
  if [ "$r" = go ]; then (cd "$T/go" && go build -o handler .) || fail "go build"; fi
  # Re-root the scaffold's function under this manifest, timeout raised for cold JVMs.
  sed -n '/^functions:/,$p' "$T/$r/fstage.yaml" | tail -n +2 |
    sed -e "s|^    code: \.|    code: $r|" -e 's|^    timeout: 3|    timeout: 10|' \
      >>"$T/outer.yaml"
done
mv "$T/outer.yaml" "$T/fstage.yaml"
serve_start "$T/fstage.yaml" --concurrency 2

for r in "${runtimes[@]}"; do
  path=/$r
  want=/$r
  # The HTTP template's own server answers on its route with the query's name.
  if [ "$r" = http ]; then want=fstage; fi
  code=$(req "$T/r" GET "$path?name=fstage")
  [ "$code" = 200 ] || { cat "$T/r"; tail -30 "$T/serve.log"; fail "$r: GET status $code"; }
  grep -q "$want" "$T/r" || { cat "$T/r"; fail "$r: '$want' is not in the answer"; }
  code=$(req "$T/r" POST "$path" -H 'Content-Type: application/json' --data '{"name":"roundtrip"}')
  [ "$code" = 200 ] || { cat "$T/r"; fail "$r: POST status $code"; }
  grep -q roundtrip "$T/r" || { cat "$T/r"; fail "$r: POST body did not reach the function"; }
  echo "ok: $r"
done
serve_stop INT
