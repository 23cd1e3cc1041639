# --network host with an HTTP function: its instances would share the host's port 8000, so
# serve runs one instance of it and says why, and every request is answered (none gets the
# 502 of a second instance that cannot bind); something else on port 8000 is named as such.
. "$(dirname "$0")/lib/serve.sh"
command -v node >/dev/null || skip "no Node.js (scripts/install-deps.sh installs it)"
port_free() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 8000))' 2>/dev/null
}
port_free || skip "port 8000 is in use on this host (this scenario needs it free)"
OTHER=
trap '[ -z "$OTHER" ] || kill "$OTHER" 2>/dev/null; serve_kill; rm -rf "$T"' EXIT
cd "$T"
expect_exit 0 "$FSTAGE" init web -r http --trigger apig
serve_start "$T/web/fstage.yaml" --network host --concurrency 3
assert_contains "$T/serve.log" "web: one instance at most, not 3: an HTTP function listens on port 8000"
pids=()
for i in 1 2 3 4 5 6; do
  req "$T/r$i" GET "/web?name=n$i" >"$T/code$i" &
  pids+=($!)
done
wait "${pids[@]}"
for i in 1 2 3 4 5 6; do
  [ "$(cat "$T/code$i")" = 200 ] || { cat "$T/r$i"; tail -20 "$T/serve.log"; fail "request $i: $(cat "$T/code$i")"; }
  assert_contains "$T/r$i" "Hello, n$i!"
done
serve_stop TERM

# Another program on port 8000: the function would not get it (or fstage would talk to that
# program), so the invocation stops with the reason.
"$PYTHON" -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1 &
OTHER=$!
for _ in $(seq 1 100); do port_free || break; sleep 0.05; done
port_free && fail "the stand-in server did not listen on 8000"
cd web
expect_exit 13 "$FSTAGE" invoke --network host -e event.json
assert_contains "$T/out" "port 8000 on this host is in use"
