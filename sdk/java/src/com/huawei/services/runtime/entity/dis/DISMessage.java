package com.huawei.services.runtime.entity.dis;

import java.util.Arrays;

/**
 * The batch of records of a DIS event.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DISMessage {
    /** cursor of the next batch */
    private String next_partition_cursor;
    /** the records */
    private DISRecord[] records;
    /** reserved */
    private String millis_behind_latest;

    public DISMessage() {
    }

    public String getNextPartitionCursor() {
        return next_partition_cursor;
    }

    public void setNextPartitionCursor(String value) {
        this.next_partition_cursor = value;
    }

    public DISRecord[] getRecords() {
        return records;
    }

    public void setRecords(DISRecord[] value) {
        this.records = value;
    }

    public String getMillisBehindLatest() {
        return millis_behind_latest;
    }

    public void setMillisBehindLatest(String value) {
        this.millis_behind_latest = value;
    }

    @Override
    public String toString() {
        return "DISMessage{" +
                "next_partition_cursor=" + quote(next_partition_cursor) +
                ", records=" + Arrays.toString(records) +
                ", millis_behind_latest=" + quote(millis_behind_latest) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
