#!/usr/bin/env bash
# Two packagings of the same tree, touched with different times, made under a different umask
# and in a different order, give identical bytes; the zip passes unzip -t and python's zipfile
# test, zipinfo shows normalised modes, no uid/gid/time extra fields, fixed dates.
. "$(dirname "$0")/../lib/common.sh"
command -v zipinfo >/dev/null || skip "zipinfo (unzip package) not installed"

content() {
  case $1 in
    index.py) printf 'def handler(event, context):\n    return "ok"\n' ;;
    bin/tool.sh) printf '#!/bin/sh\necho tool\n' ;;
    empty.txt) : ;;
    *) printf 'content of %s\n' "$1"; seq 1 500 ;;
  esac
}

make_tree() {  # DIR ORDER UMASK EXEC_MODE DATA_MODE TIME_BASE
  local dir=$1 order=$2 files=(index.py lib/util.py lib/data.json bin/tool.sh "ünïcode.txt" empty.txt)
  [ "$order" = reverse ] && files=(empty.txt "ünïcode.txt" bin/tool.sh lib/data.json lib/util.py index.py)
  mkdir -p "$dir"
  (
    umask "$3"
    cd "$dir"
    printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
    for f in "${files[@]}"; do mkdir -p "$(dirname "$f")"; content "$f" >"$f"; done
    chmod "$4" bin/tool.sh
    chmod "$5" lib/data.json
    i=0
    find . -print | while read -r f; do touch -h -d "@$(($6 + i * 7919))" "$f"; i=$((i + 1)); done
  )
}

make_tree "$T/a" forward 022 755 644 1000000000
make_tree "$T/b" reverse 077 700 600 1900000000

(cd "$T/a" && expect_exit 0 "$FSTAGE" package -o "$T/a.zip")
sha_a=$(awk '/sha256/ {print $2}' "$T/err")
(cd "$T/b" && expect_exit 0 "$FSTAGE" package hello -o "$T/b.zip" --json)
cmp "$T/a.zip" "$T/b.zip" || fail "the two packagings differ"
[ "$sha_a" = "$(sha256sum "$T/a.zip" | cut -d' ' -f1)" ] || fail "printed sha256 is not the zip's"
/usr/bin/python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read()); assert r["function"]=="hello" and r["files"]==6 and len(r["sha256"])==64, r' "$T/out" ||
  fail "--json record"

unzip -tq "$T/a.zip" >/dev/null || fail "unzip -t"
/usr/bin/python3 -m zipfile -t "$T/a.zip" >/dev/null || fail "python3 -m zipfile -t"
zipinfo "$T/a.zip" >"$T/zi"
assert_contains "$T/zi" "-rwxr-xr-x  2.0 unx       20 bl defN 80-Jan-01 00:00 bin/tool.sh"
assert_contains "$T/zi" "-rw-r--r--  2.0 unx     1917 bl defN 80-Jan-01 00:00 lib/data.json"
assert_contains "$T/zi" "drwxr-xr-x  2.0 unx        0 b- stor 80-Jan-01 00:00 lib/"
assert_contains "$T/zi" "-rw-r--r--  1.0 unx        0 bl stor 80-Jan-01 00:00 empty.txt"
assert_not_contains "$T/zi" "fstage.yaml"
zipinfo -v "$T/a.zip" >"$T/ziv"
assert_not_contains "$T/ziv" "UID/GID"
assert_not_contains "$T/ziv" "universal time"
/usr/bin/python3 - "$T/a.zip" <<'PY' || fail "entry order or UTF-8 flag"
import sys, zipfile
infos = zipfile.ZipFile(sys.argv[1]).infolist()
names = [i.filename for i in infos]
assert names == sorted(names, key=lambda n: n.encode()), names
for i in infos:
    assert bool(i.flag_bits & 0x800) == (not i.filename.isascii()), i.filename
PY

# SOURCE_DATE_EPOCH sets every timestamp; still reproducible.
(cd "$T/a" && SOURCE_DATE_EPOCH=1700000000 expect_exit 0 "$FSTAGE" package -o "$T/e1.zip")
(cd "$T/b" && SOURCE_DATE_EPOCH=1700000000 TZ=America/New_York expect_exit 0 "$FSTAGE" package -o "$T/e2.zip")
cmp "$T/e1.zip" "$T/e2.zip" || fail "SOURCE_DATE_EPOCH packagings differ"
zipinfo "$T/e1.zip" >"$T/zi"
assert_contains "$T/zi" "23-Nov-14 22:13 index.py"
(cd "$T/a" && SOURCE_DATE_EPOCH=soon expect_exit 3 "$FSTAGE" package -o "$T/x.zip")
assert_contains "$T/err" "SOURCE_DATE_EPOCH"
echo "ok"
