# fstage's Go SDK against the platform's side of the protocol: tests/go-sdk builds a function
# with it and drives it as the platform's net/rpc client does (Function.Invoke, HealthCheck),
# and checks the event types and the RuntimeContext method set against the platform's module.
. "$(dirname "$0")/../lib/common.sh"
command -v go >/dev/null || skip "no Go toolchain"
cd "$FSTAGE_SOURCE_DIR/tests/go-sdk"
export GOCACHE="${FSTAGE_BINARY_DIR:-$T}/go-cache" GOPATH="${FSTAGE_BINARY_DIR:-$T}/go-path"
export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0
go test -count=1 ./... >"$T/out" 2>&1 || { cat "$T/out"; fail "go test"; }
cat "$T/out"
