#!/usr/bin/env bash
# The fstage executable needs libc and nothing else at start: every other library is linked in
# (libstdc++, libyaml) or opened when a command first needs it (lazy/: curl, git2, archive,
# crypto, zlib, seccomp; fstage-httpd.so). Each shared library in this list is mapped and
# relocated at every start, and `fstage invoke` starts once per call (README, Performance).
. "$(dirname "$0")/../lib/common.sh"
command -v readelf >/dev/null || skip "readelf (binutils) is not installed"

readelf -d "$FSTAGE" >dyn.txt || fail "readelf could not read $FSTAGE"
# (The dynamic loader itself may be named too: libgcc's unwinder calls _dl_find_object.)
sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' dyn.txt | grep -v '^ld-linux' | sort >needed.txt
echo libc.so.6 >want.txt
if ! diff -u want.txt needed.txt; then
  fail "fstage needs more shared libraries at start than libc (see the diff above)"
fi
# And the dynamic loader binds everything at start (-z now), so that the sandbox's init and
# the child it execs never resolve a symbol lazily.
grep -q 'BIND_NOW' dyn.txt || fail "fstage is not linked with -z now"
