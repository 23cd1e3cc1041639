#!/usr/bin/env bash
# Safety: links escaping the project, unsafe names, FIFOs, an output inside the tree and a file
# growing while packaged each give their documented outcome, and no artifact or temp file.
. "$(dirname "$0")/../lib/common.sh"

project() {
  rm -rf "$T/p" && mkdir -p "$T/p" && cd "$T/p"
  printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
  printf 'def handler(e, c):\n    return 1\n' >index.py
}
no_artifact() {
  [ ! -e .fstage/dist/hello.zip ] || fail "an artifact was left: $*"
  [ -z "$(ls -A .fstage/dist 2>/dev/null)" ] || fail "files left in .fstage/dist: $(ls -A .fstage/dist)"
}

# A symlink pointing outside the project: refused (exit 6) unless allowed.
project
echo secret >"$T/secret.txt"
ln -s "$T/secret.txt" leak.txt
expect_exit 6 "$FSTAGE" package
assert_contains "$T/err" "symlink 'leak.txt' points outside the project"
assert_contains "$T/err" "--allow-external-symlinks"
no_artifact "escaping symlink"
expect_exit 0 "$FSTAGE" package --allow-external-symlinks
[ "$(unzip -p .fstage/dist/hello.zip leak.txt)" = secret ] || fail "link not followed"

# A symlink inside the project is followed: the file's content is stored under the link's name.
project
mkdir lib && echo 'X = 1' >lib/real.py && ln -s lib/real.py alias.py
expect_exit 0 "$FSTAGE" package
[ "$(unzip -p .fstage/dist/hello.zip alias.py)" = "X = 1" ] || fail "inside link not followed"

# A name that could climb out on extraction (backslash separators): refused.
project
echo x >'..\evil.py'
expect_exit 6 "$FSTAGE" package
assert_contains "$T/err" "unsafe entry name"
no_artifact "backslash name"

# A FIFO is skipped with a warning.
project
mkfifo pipe
expect_exit 0 "$FSTAGE" package
assert_contains "$T/err" "warning: hello: skipping 'pipe': a FIFO"
unzip -l .fstage/dist/hello.zip >"$T/list"
assert_not_contains "$T/list" pipe

# The output may not lie inside the packaged tree (except excluded places such as .fstage/).
project
expect_exit 6 "$FSTAGE" package -o out/hello.zip
assert_contains "$T/err" "lies inside the tree being packaged"
[ ! -e out/hello.zip ] || fail "output written inside the tree"
expect_exit 0 "$FSTAGE" package -o .fstage/elsewhere.zip

# A file growing while it is packaged: the run fails, nothing is left.
project
head -c 30000000 /dev/zero | tr '\0' 'a' >big.txt
(while :; do echo more >>big.txt; done) &
writer=$!
expect_exit 1 "$FSTAGE" package
kill "$writer"; wait "$writer" 2>/dev/null || true
assert_contains "$T/err" "file changed while being packaged: 'big.txt'"
no_artifact "growing file"
echo "ok"
