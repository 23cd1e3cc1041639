#!/usr/bin/env bash
# fstage uses no private interface of glibc: nothing that glibc exports only as GLIBC_PRIVATE
# (for its own libraries, libthread_db and the sanitizers) and that the next glibc may change
# or drop without notice, as a .deb built on one glibc and run on the next would find out.
# Checked four ways: the executable's (and its modules') undefined dynamic symbols; the
# names in their read-only data (what a dlsym would look up); and the C/C++ sources. The
# private names are those the libc and the dynamic loader this executable loads mark
# GLIBC_PRIVATE, plus a fixed set of glibc-internal prefixes (for hosts with another libc).
. "$(dirname "$0")/../lib/common.sh"
command -v readelf >/dev/null || skip "readelf (binutils) is not installed"
command -v objcopy >/dev/null || skip "objcopy (binutils) is not installed"

# glibc's own private names: defined, versioned GLIBC_PRIVATE. `errno` is listed too (the
# variable behind the public macro) and is no concern: names without a leading underscore
# are left out.
libs=$(ldd "$FSTAGE" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
  grep -E '/(libc\.so|ld-linux)[^/]*$' || true)
for lib in $libs; do
  readelf --dyn-syms -W "$lib" | awk '$7 != "UND" { print $8 }' |
    sed -n 's/^\(_[A-Za-z0-9_]*\)@@*GLIBC_PRIVATE$/\1/p'
done | sort -u >private.txt
echo "$(wc -l <private.txt) GLIBC_PRIVATE names in: $(echo $libs)"
# Internal prefixes whatever the host: the dynamic loader's and libpthread's internals, the
# thread-debugging tables, libc's internal aliases. The public ones among them are allowed.
internal='(_dl_[A-Za-z0-9_]+|_rtld_global[A-Za-z0-9_]*|_thread_db_[A-Za-z0-9_]+|__nptl_[A-Za-z0-9_]+|__libc_[A-Za-z0-9_]+)'
allowed='^(_dl_find_object|__libc_start_main|__libc_single_threaded|__libc_csu_init|__libc_csu_fini)$'

bad=0
objects=("$FSTAGE")
for module in fstage-httpd.so fstage-graphviz.so; do
  [ -f "$(dirname "$FSTAGE")/$module" ] && objects+=("$(dirname "$FSTAGE")/$module")
done
for obj in "${objects[@]}"; do
  name=$(basename "$obj")
  # 1. Undefined dynamic symbols: a private version, or a private or internal name.
  readelf --dyn-syms -W "$obj" | awk '$7 == "UND" && $8 != "" { print $8 }' >und.txt
  if grep -F '@GLIBC_PRIVATE' und.txt; then
    echo "$name: the symbols above are glibc-private (version GLIBC_PRIVATE)"
    bad=1
  fi
  sed 's/@.*//' und.txt | sort -u >und-names.txt
  { comm -12 und-names.txt private.txt
    grep -xE "$internal" und-names.txt | grep -vE "$allowed" || true; } | sort -u >und-bad.txt
  if [ -s und-bad.txt ]; then
    cat und-bad.txt
    echo "$name: imports the glibc-private symbols above"
    bad=1
  fi
  # 2. Names in read-only data: what dlsym(RTLD_DEFAULT, "...") would look up. Strings there
  # need not end in a NUL (string_view literals run together), so search for each name.
  objcopy -O binary --only-section=.rodata "$obj" rodata.bin
  { [ -s private.txt ] && grep -aoFf private.txt rodata.bin
    grep -aoE "$internal" rodata.bin | grep -vE "$allowed"; } | sort -u >rodata-bad.txt || true
  if [ -s rodata-bad.txt ]; then
    cat rodata-bad.txt
    echo "$name: its read-only data names the glibc-private symbols above (a dlsym?)"
    bad=1
  fi
done

# 3. The sources: no C/C++ file names one (in code or comment; a comment naming one is where
# the next use starts).
find "$FSTAGE_SOURCE_DIR" \( -name build -o -name '.git' -o -name node_modules \) -prune -o \
  -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \) \
  -print >sources.txt
[ -s sources.txt ] || fail "no C/C++ sources found under $FSTAGE_SOURCE_DIR"
{ [ -s private.txt ] && xargs -d '\n' grep -nwFf private.txt <sources.txt
  xargs -d '\n' grep -nowE "$internal" <sources.txt | grep -vE ":($(echo "$allowed" | tr -d '^$'))$"
} >src-bad.txt || true
if [ -s src-bad.txt ]; then
  cat src-bad.txt
  echo "the sources above name glibc-private symbols"
  bad=1
fi
[ "$bad" = 0 ] || fail "fstage depends on private glibc interfaces (see above)"
