#!/usr/bin/env bash
# JSON on stdout stays JSON when what it reports is not UTF-8 (a directory's name): the
# bytes become U+FFFD instead of the command ending as "internal error". Every command prints
# JSON through json_text (base/json_text.hpp); the source check keeps it that way.
. "$(dirname "$0")/../lib/common.sh"

# A project under a directory whose name is not UTF-8: init reports where it wrote.
mkdir "$(printf 'dir-\377')"
cd "$(printf 'dir-\377')"
expect_exit 0 "$FSTAGE" init app -r python3.10 --json
/usr/bin/python3 -c '
import json, sys
out = json.load(open(sys.argv[1]))
assert out["dir"].endswith("dir-\ufffd/app"), out
' "$T/out" || fail "init --json: not JSON, or the directory is not shown"

# No command dumps JSON another way.
if grep -rn '\.dump(' "$FSTAGE_SOURCE_DIR/cli" >"$T/dumps"; then
  cat "$T/dumps"
  fail "cli/ calls dump() directly: print JSON with json_text (base/json_text.hpp)"
fi
