# A memory hog is stopped at its 128 MB and reported as OOM: exit 12.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 12 "$FSTAGE" invoke -f "$PY" memhog --json
[ "$(json_get "$T/out" "j['status']")" = oom ] || fail "status oom"
