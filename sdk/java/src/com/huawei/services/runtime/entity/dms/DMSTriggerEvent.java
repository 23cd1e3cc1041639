package com.huawei.services.runtime.entity.dms;

import java.util.Arrays;

/**
 * Event sent by a Kafka trigger (DMS for Kafka, open-source Kafka; DMS for RocketMQ uses the
 * same layout).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DMSTriggerEvent {
    /** event version */
    private String event_version;
    /** event time, Unix seconds */
    private long event_time;
    /** "KAFKA" or "ROCKETMQ" */
    private String trigger_type;
    /** region */
    private String region;
    /** instance id */
    private String instance_id;
    /** messages per topic */
    private DMSRecord[] records;

    public DMSTriggerEvent() {
    }

    public String getEventVersion() {
        return event_version;
    }

    public void setEventVersion(String value) {
        this.event_version = value;
    }

    public long getEventTime() {
        return event_time;
    }

    public void setEventTime(long value) {
        this.event_time = value;
    }

    public String getTriggerType() {
        return trigger_type;
    }

    public void setTriggerType(String value) {
        this.trigger_type = value;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String value) {
        this.region = value;
    }

    public String getInstanceId() {
        return instance_id;
    }

    public void setInstanceId(String value) {
        this.instance_id = value;
    }

    public DMSRecord[] getRecords() {
        return records;
    }

    public void setRecords(DMSRecord[] value) {
        this.records = value;
    }

    @Override
    public String toString() {
        return "DMSTriggerEvent{" +
                "event_version=" + quote(event_version) +
                ", event_time=" + event_time +
                ", trigger_type=" + quote(trigger_type) +
                ", region=" + quote(region) +
                ", instance_id=" + quote(instance_id) +
                ", records=" + Arrays.toString(records) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
