#!/usr/bin/env bash
# A git template from a local bare repository; escaping templates are refused with nothing written.
. "$(dirname "$0")/../lib/common.sh"
git() { command git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main "$@"; }

mkdir src && (cd src && git init -q . && mkdir tpl &&
  printf 'name: {{name}}\n' > tpl/NAME.txt && printf '#!/bin/sh\n' > tpl/bootstrap &&
  printf 'name: {{name}}\nfunctions:\n  {{name}}:\n    runtime: {{runtime}}\n    handler: bootstrap\n' \
    > tpl/fstage.yaml &&
  chmod +x tpl/bootstrap && git add -A && git commit -qm init && git tag v1)
git clone -q --bare src tpl.git
expect_exit 0 "$FSTAGE" init proj -n hello -r custom -t "git+file://$T/tpl.git#v1:tpl"
[ "$(cat proj/NAME.txt)" = "name: hello" ] || fail "not rendered"
[ -x proj/bootstrap ] || fail "exec bit lost"
[ ! -e proj/.git ] || fail ".git copied"

(cd src && ln -s ../../etc/passwd tpl/escape && git add -A && git commit -qm evil && git tag v2)
rm -rf tpl.git && git clone -q --bare src tpl.git
expect_exit 6 "$FSTAGE" init proj2 -n hello -r custom -t "git+file://$T/tpl.git#v2:tpl"
assert_contains "$T/err" "points outside"
[ ! -e proj2 ] || fail "refused template left files behind"
ls -A | grep -q '^\.fstage-init' && fail "staging directory left behind"
echo ok
