# A function's stdout and stderr reach its log as one stream, in the order written (the
# platform's log is one stream): raw writes to fd 1 and fd 2, alternating, in Node.js and in a
# child process. With a pipe for each, the supervisor read all of one before the other.
. "$(dirname "$0")/lib/invoke.sh"
need_node
mkdir -p "$T/js"
cat >"$T/js/index.js" <<'JS'
const fs = require('fs');
const { execFileSync } = require('child_process');
exports.handler = async () => {
  for (let i = 0; i < 20; i++) {
    fs.writeSync(1, 'out ' + i + '\n');
    fs.writeSync(2, 'err ' + i + '\n');
  }
  execFileSync('/bin/sh', ['-c', 'echo child-out; echo child-err >&2; echo child-out2'],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  return 'done';
};
JS
cat >"$T/fstage.yaml" <<'YAML'
name: order
functions:
  js: { runtime: Node.js20.15, handler: index.handler, code: js }
YAML
expect_exit 0 "$FSTAGE" invoke -f "$T/fstage.yaml" js
assert_contains "$T/out" 'done'
want=$(for i in $(seq 0 19); do printf 'out %s err %s ' "$i" "$i"; done)
got=$(grep -E '^(out|err) [0-9]+$' "$T/err" | tr '\n' ' ')
[ "$got" = "$want" ] || fail "stdout and stderr out of order: $got"
[ "$(grep -E '^child-' "$T/err" | tr '\n' ' ')" = "child-out child-err child-out2 " ] ||
  fail "a child's stdout and stderr out of order: $(grep -E '^child-' "$T/err" | tr '\n' ' ')"
