# A bootstrap without the execute bit: the platform refuses to run it (PLATFORM.md §1.6), so
# validate, invoke, package and doctor refuse it too and name the fix; with the bit it runs.
. "$(dirname "$0")/lib/invoke.sh"
cp -r "$FSTAGE_SOURCE_DIR/tests/fixtures/functions/custom" "$T/p"
rm -rf "$T/p/.fstage"
chmod 0644 "$T/p/bootstrap"
cd "$T/p"
expect_exit 3 "$FSTAGE" validate
assert_contains "$T/err" "'bootstrap' is not executable; the platform refuses to run it"
assert_contains "$T/err" "chmod +x bootstrap"
expect_exit 3 "$FSTAGE" invoke echo -e /dev/null
assert_contains "$T/err" "chmod +x bootstrap"
expect_exit 3 "$FSTAGE" package
assert_contains "$T/err" "chmod +x bootstrap"
[ ! -e .fstage/dist/echo.zip ] || fail "a zip the platform would refuse to run"
expect_exit 3 "$FSTAGE" doctor
assert_contains "$T/out" "chmod +x bootstrap"

# A zip made elsewhere without the bit (--artifact) is refused at start, with the same fix.
"$PYTHON" - "$T/p" <<'PY'
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/plain.zip", "w") as z:
    info = zipfile.ZipInfo("bootstrap")
    info.external_attr = 0o100644 << 16
    z.writestr(info, open(d + "/bootstrap").read())
PY
expect_exit 3 "$FSTAGE" invoke echo --artifact plain.zip -e /dev/null
assert_contains "$T/err" "chmod +x bootstrap"

chmod +x bootstrap
expect_exit 0 "$FSTAGE" validate
