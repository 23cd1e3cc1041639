#!/usr/bin/env bash
# -q hides progress and summaries, never the command's result: `package` and `build` print
# each zip's or tree's path on stdout, with or without -q; the summary goes to stderr.
. "$(dirname "$0")/../lib/common.sh"
"$FSTAGE" init app -r python3.10 >/dev/null 2>&1 || fail "init"
cd app
expect_exit 0 "$FSTAGE" -q package
[ "$(cat "$T/out")" = ".fstage/dist/app.zip" ] || fail "-q package printed '$(cat "$T/out")'"
[ ! -s "$T/err" ] || fail "-q package wrote on stderr: $(cat "$T/err")"
[ -f .fstage/dist/app.zip ] || fail "no zip"
zip=$("$FSTAGE" package -q 2>/dev/null) && [ "$zip" = .fstage/dist/app.zip ] || fail "zip=\$(fstage package -q) gave '$zip'"
expect_exit 0 "$FSTAGE" package
[ "$(cat "$T/out")" = ".fstage/dist/app.zip" ] || fail "package printed '$(cat "$T/out")' on stdout"
assert_contains "$T/err" "fstage: packaged app: "
assert_contains "$T/err" "sha256 "
expect_exit 0 "$FSTAGE" -q build
tree=$(cat "$T/out")
case "$tree" in .fstage/build/app/*) [ -d "$tree" ] ;; *) false ;; esac || fail "-q build printed '$tree'"
[ ! -s "$T/err" ] || fail "-q build wrote on stderr: $(cat "$T/err")"
# --json: only JSON on stdout, no bare path.
expect_exit 0 "$FSTAGE" -q package --json
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["output"].endswith("app.zip")' "$T/out" ||
  fail "package --json: $(cat "$T/out")"
echo ok
