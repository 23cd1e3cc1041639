package com.huawei.services.runtime.entity.dds;

import java.util.Arrays;

/**
 * Event sent by a DDS trigger.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DDSTriggerEvent {
    /** change events */
    private DDSRecord[] records;

    public DDSTriggerEvent() {
    }

    public DDSRecord[] getRecords() {
        return records;
    }

    public void setRecords(DDSRecord[] value) {
        this.records = value;
    }

    @Override
    public String toString() {
        return "DDSTriggerEvent{" +
                "records=" + Arrays.toString(records) +
                "}";
    }
}
