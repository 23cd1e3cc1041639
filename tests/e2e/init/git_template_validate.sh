#!/usr/bin/env bash
# init validates the project a git template makes before it says it worked: a template whose
# fstage.yaml leaves the runtime empty or {{handler}} unreplaced (it has no template.json), or
# that has no fstage.yaml at all, is an error (exit 3) that lists the problems, and nothing is
# written. With a template.json it works like a built-in template.
. "$(dirname "$0")/../lib/common.sh"
git() { command git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main "$@"; }

# A copy of a built-in template's files, without its template.json.
mkdir src && (
  cd src && git init -q .
  cat >fstage.yaml <<'YAML'
name: {{project}}
functions:
  {{name}}:
    runtime: {{runtime}}
    handler: {{handler}}
    code: .
YAML
  printf 'def handler(event, context):\n    return {"ok": True}\n' >index.py
  git add -A && git commit -qm plain && git tag plain
)
url="git+file://$T/src"
expect_exit 3 "$FSTAGE" init proj -n hello -t "$url#plain"
assert_contains "$T/err" "does not validate; nothing was written"
assert_contains "$T/err" "fstage.yaml:5: {{handler}} was not replaced"
assert_contains "$T/err" "runtime"
assert_contains "$T/err" "hint: the template names no runtime: pass -r RUNTIME, or give the template a template.json"
[ ! -e proj ] || fail "a template that does not validate left proj/"
ls -A | grep -q '^\.fstage-init' && fail "staging directory left behind"

# -r fills the runtime; {{handler}} still has no value.
expect_exit 3 "$FSTAGE" init deep/er/proj -n hello -r python3.10 -t "$url#plain"
assert_contains "$T/err" "{{handler}} was not replaced"
assert_not_contains "$T/err" "names no runtime"
[ ! -e deep ] || fail "the parent directories init made were left behind"

# With a template.json the template says its runtimes and handler, as a built-in one does.
(cd src && printf '{"runtimes": ["python3.10", "python3.9"], "handler": "index.handler"}\n' \
  >template.json && git add -A && git commit -qm json && git tag json)
expect_exit 0 "$FSTAGE" init proj -n hello -t "$url#json"
assert_contains proj/fstage.yaml "runtime: Python3.10"
assert_contains proj/fstage.yaml "handler: index.handler"
[ ! -e proj/template.json ] || fail "template.json was copied into the project"
(cd proj && expect_exit 0 "$FSTAGE" validate)
expect_exit 2 "$FSTAGE" init proj2 -n hello -r nodejs18 -t "$url#json"
assert_contains "$T/err" "does not support runtime 'Node.js18.15'"

# A template.json that names a runtime fstage does not know is the template's error.
(cd src && printf '{"runtimes": ["cobol"], "handler": "x"}\n' >template.json &&
  git commit -qam badjson && git tag badjson)
expect_exit 3 "$FSTAGE" init proj3 -n hello -t "$url#badjson"
assert_contains "$T/err" "unknown runtime 'cobol'"

# No fstage.yaml: not a project.
(cd src && git rm -q fstage.yaml template.json && git commit -qm nomanifest && git tag nomanifest)
expect_exit 3 "$FSTAGE" init proj4 -n hello -r python3.10 -t "$url#nomanifest"
assert_contains "$T/err" "has no fstage.yaml at its root"
[ ! -e proj3 ] && [ ! -e proj4 ] || fail "a refused template left files"
echo ok
