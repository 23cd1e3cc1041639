# An event file saved with a UTF-8 byte order mark reaches the function without it (Node.js's
# JSON.parse refuses one: the function failed before), and `-e -` reads stdin the same way.
. "$(dirname "$0")/lib/invoke.sh"
need_node
printf '\357\273\277{"name": "bom"}' >"$T/e.json"
expect_exit 0 "$FSTAGE" invoke -f "$NODE" hello -e "$T/e.json"
assert_contains "$T/out" 'hello bom'
got=0
"$FSTAGE" invoke -f "$NODE" hello -e - <"$T/e.json" >"$T/out" 2>"$T/err" || got=$?
[ "$got" = 0 ] || { cat "$T/err"; fail "stdin: exit $got"; }
assert_contains "$T/out" 'hello bom'
