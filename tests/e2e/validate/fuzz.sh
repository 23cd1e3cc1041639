#!/usr/bin/env bash
# Mutated manifests and events through the real binary (tests/unit/test_input_fuzz.cpp runs
# thousands in-process): `validate` answers 0 or 3, `invoke` 0, 3 or 10 (the handler failing
# on a strange event), never 70 ("internal error") nor a crash.
source "$(dirname "$0")/../lib/common.sh"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to generate the cases"
PY=$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python/fstage.yaml

"$PYTHON" - "$FSTAGE_SOURCE_DIR" "$T" <<'PYEOF'
import glob, os, random, sys
src, out = sys.argv[1], sys.argv[2]
rng = random.Random(20260611)
tokens = [b"1e400", b"-1e400", b"123456789012345678901234567890", b"\0", b"\xff", b"\xef\xbb\xbf",
          b"[" * 300, b"{" * 300, b"&a ", b"*a", b"<<: *a\n", b"\t", b"\r", b": ", b"- ", b"\"\\ud800\""]
punct = b"{}[]:-,&*!|>\"'#%@`?\t\n \\"
def mutate(t):
    t = bytearray(t)
    for _ in range(rng.randint(1, 4)):
        if not t:
            break
        at = rng.randrange(len(t))
        k = rng.randrange(6)
        if k == 0: del t[at:]
        elif k == 1: t[at] = rng.randrange(256)
        elif k == 2: t[at:at] = bytes([punct[rng.randrange(len(punct))]])
        elif k == 3: del t[at:at + rng.randrange(20)]
        elif k == 4: t[at:at] = rng.choice(tokens)
        else:
            s = rng.randrange(len(t)); t[at:at] = t[s:s + rng.randrange(1, 60)] * rng.randint(50, 400)
    return bytes(t)
def inject(t):
    # A value that keeps the JSON well-formed but holds a limit-breaking number or nesting.
    spots = [i for i in range(len(t)) if t[i:i + 3] == b'": ']
    if not spots:
        return t
    at = rng.choice(spots) + 3
    value = rng.choice([b"1e400", b"-1e999", b"123456789012345678901234567890",
                        b"[" * 10001 + b"]" * 10001])
    return t[:at] + value + b', "k": ' + t[at:]
manifests = [open(p, "rb").read() for p in sorted(glob.glob(src + "/tests/fixtures/**/fstage.yaml", recursive=True))]
events = [open(p, "rb").read() for p in sorted(glob.glob(src + "/templates/events/*.json"))]
for i in range(150):
    open(os.path.join(out, "m%03d.yaml" % i), "wb").write(mutate(rng.choice(manifests)))
for i in range(25):
    e = rng.choice(events)
    open(os.path.join(out, "e%03d.json" % i), "wb").write(inject(e) if i % 3 == 0 else mutate(e))
PYEOF

check() {  # check ALLOWED-CODES FILE CMD...
  local allowed=$1 file=$2 got=0
  shift 2
  "$@" >"$T/out" 2>"$T/err" || got=$?
  case " $allowed " in
    *" $got "*) ;;
    *) cat "$T/err"; fail "$(basename "$file"): exit $got (allowed: $allowed): $*" ;;
  esac
  assert_not_contains "$T/err" "internal error"
}
for f in "$T"/m*.yaml; do
  check "0 3" "$f" "$FSTAGE" validate -f "$f"
done
for f in "$T"/e*.json; do
  check "0 3 10" "$f" "$FSTAGE" invoke -f "$PY" hello -e "$f"
done
