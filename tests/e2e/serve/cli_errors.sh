# Bad input gives a clear error and the documented exit code, never a crash.
. "$(dirname "$0")/lib/serve.sh"
cd "$T"
expect_exit 4 "$FSTAGE" serve
assert_contains "$T/err" "fstage: error:"
mkdir -p fn && printf 'def handler(e, c):\n    return "x"\n' >fn/index.py
cat >fstage.yaml <<'YAML'
name: errs
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{ type: APIG, path: /f }]
YAML
expect_exit 2 "$FSTAGE" serve --port 70000
expect_exit 2 "$FSTAGE" serve --concurrency 0
expect_exit 2 "$FSTAGE" serve --network bogus
# A port in use: io (exit 1) with a hint.
serve_start "$T/fstage.yaml"
expect_exit 1 "$FSTAGE" serve --port "$PORT"
assert_contains "$T/err" "cannot listen on 127.0.0.1:$PORT"
assert_contains "$T/err" "hint:"
serve_stop TERM
# A function whose code directory is missing: the manifest error, before listening.
sed -i 's/code: fn/code: missing/' fstage.yaml
expect_exit 3 "$FSTAGE" serve --port 0
assert_contains "$T/err" "does not exist"
