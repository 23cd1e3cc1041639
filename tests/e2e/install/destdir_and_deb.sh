#!/usr/bin/env bash
# `cmake --install` into a DESTDIR gives a working binary, man page and completions; CPack's
# .deb installs with dpkg -i (into a private root) and the installed fstage runs.
. "$(dirname "$0")/../lib/common.sh"
: "${FSTAGE_BINARY_DIR:?}"

DESTDIR="$T/root" cmake --install "$FSTAGE_BINARY_DIR" --prefix /usr >/dev/null
for f in usr/bin/fstage usr/share/man/man1/fstage.1 usr/share/bash-completion/completions/fstage \
         usr/share/zsh/vendor-completions/_fstage usr/share/fish/vendor_completions.d/fstage.fish \
         usr/lib/fstage/fstage-httpd.so usr/lib/fstage/fstage-graphviz.so; do
  [ -f "root/$f" ] || fail "not installed: /$f"
done
expect_exit 0 "root/usr/bin/fstage" --version
assert_contains "$T/out" "fstage "
# The installed binary finds its HTTP module at ../lib/fstage: serve starts and answers.
mkdir -p svc && printf 'def handler(event, context):\n    return {"statusCode": 200, "body": "up"}\n' >svc/index.py
printf 'name: svc\nfunctions:\n  up:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n    triggers:\n      - { type: APIG, path: /up }\n' >svc/fstage.yaml
root/usr/bin/fstage serve -f svc/fstage.yaml --port 0 --no-timers >serve.out 2>serve.err &
serve_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' serve.err)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/up" >curl.out 2>/dev/null && break
  sleep 0.1
done
kill -TERM "$serve_pid"; wait "$serve_pid" || true
grep -qx up curl.out || { cat serve.err; fail "installed fstage serve did not answer"; }
# And its Graphviz module: `flow graph` renders SVG.
cat >>svc/fstage.yaml <<'YAML'
flows:
  ping:
    start: up
    functions: [{name: up, operation: up}]
    constants: {}
    retries: [{name: r}]
    states:
      - {id: up, type: Operation, transition: done, actions: [{function_ref: {ref_name: up}}]}
      - {id: done, type: End, end: true}
YAML
expect_exit 0 root/usr/bin/fstage flow graph -f svc/fstage.yaml ping
assert_contains "$T/out" "<svg"
head -1 root/usr/share/man/man1/fstage.1 | grep -q '^\.TH FSTAGE 1' || fail "man page header"
if command -v man >/dev/null; then
  MANWIDTH=100 man -l root/usr/share/man/man1/fstage.1 2>/dev/null > man.txt
  assert_contains man.txt "EXIT STATUS"
  assert_contains man.txt "fstage init"
fi

command -v dpkg-deb >/dev/null || skip "dpkg-deb not available"
(cd "$FSTAGE_BINARY_DIR" && cpack -G DEB -B "$T/pkg" >/dev/null) || fail "cpack failed"
deb=$(ls "$T"/pkg/fstage_*.deb)
dpkg-deb -I "$deb" > info.txt
assert_contains info.txt "Package: fstage"
mkdir -p droot/var/lib/dpkg/info droot/var/lib/dpkg/updates && touch droot/var/lib/dpkg/status
dpkg --root="$T/droot" --admindir="$T/droot/var/lib/dpkg" --force-depends --force-not-root \
  --force-script-chrootless --log=/dev/null -i "$deb" >/dev/null 2>dpkg.err || {
  cat dpkg.err; fail "dpkg -i failed"; }
expect_exit 0 "droot/usr/bin/fstage" --version
dpkg --root="$T/droot" --admindir="$T/droot/var/lib/dpkg" -L fstage > files.txt
assert_contains files.txt "/usr/share/man/man1/fstage.1"
assert_contains files.txt "/usr/lib/fstage/fstage-httpd.so"
assert_contains files.txt "/usr/lib/fstage/fstage-graphviz.so"
echo ok
