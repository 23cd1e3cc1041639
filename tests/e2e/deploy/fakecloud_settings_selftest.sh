# The test server's function settings (settings.py) refuse what the API refuses: a VPC without an
# agency, out-of-range concurrency, reserved instances over it, bad tags, async fields.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
/usr/bin/python3 "$FSTAGE_SOURCE_DIR/tests/fakecloud/settings_selftest.py" || fail "fakecloud settings"
