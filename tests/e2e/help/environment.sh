#!/usr/bin/env bash
# Every environment variable fstage reads is documented, in `fstage help environment` and in
# the man page (both print cli/src/environment.cpp's table), and every variable documented is
# still read. The names are grepped from the sources: a new getenv without a row fails here.
. "$(dirname "$0")/../lib/common.sh"
: "${FSTAGE_BINARY_DIR:?}"
cd "$FSTAGE_SOURCE_DIR"
dirs=(base manifest sandbox scaffolds builder deploy serve cli lazy sdk)
src=(--include='*.cpp' --include='*.hpp' --include='*.c' --include='*.h'
     --exclude=environment.cpp)
# The lookups the code uses (getenv, the env maps' find/count/contains/at, env_or), and every
# "FSTAGE_..." or "HUAWEICLOUD_..." string.
lookup='(getenv\(|get\(|env_or\([a-z_.]+, ?|\.find\(|\.count\(|\.contains\(|\.at\()"[A-Z][A-Z0-9_]*"'
named='"(FSTAGE|HUAWEICLOUD)_[A-Z0-9_]+"'
grep -rhoE "$lookup|$named" "${src[@]}" "${dirs[@]}" | grep -oE '[A-Z][A-Z0-9_]+' | sort -u \
  >"$T/read.txt"
[ "$(wc -l <"$T/read.txt")" -ge 30 ] || fail "the grep found too few names: $(cat "$T/read.txt")"
"$FSTAGE" help environment >"$T/help.txt" || fail "fstage help environment failed"
man="$FSTAGE_BINARY_DIR/man/man1/fstage.1"
[ -f "$man" ] || fail "no $man: the build makes it (target fstage_man)"
"$FSTAGE" help --man | cmp -s - "$man" || fail "$man is stale: rebuild"
missing=
while read -r name; do
  grep -qE "^  $name " "$T/help.txt" || missing="$missing $name(help)"
  grep -qx ".B $name" "$man" || missing="$missing $name(man)"
done <"$T/read.txt"
[ -z "$missing" ] || fail "read by fstage but not documented in cli/src/environment.cpp:$missing"
# And the other way: a documented name no source mentions any more is stale.
stale=
for name in $(sed -n 's/^  \([A-Z][A-Z0-9_]*\) .*/\1/p' "$T/help.txt"); do
  grep -rqF "\"$name\"" "${src[@]}" "${dirs[@]}" || stale="$stale $name"
done
[ -z "$stale" ] || fail "documented in cli/src/environment.cpp but no longer in the sources:$stale"
echo ok
