# fstage event list names every sample trigger.
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
expect_exit 0 "$FSTAGE" event list
for t in apig apig-base64 smn obs dis timer kafka kafka-opensource rocketmq lts cts dds gaussmongo; do
  grep -q "^$t " "$T/out" || fail "missing $t"
done
