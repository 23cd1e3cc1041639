package com.huawei.services.runtime.entity.dds;

/**
 * One DDS change event.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DDSRecord {
    /** "dds" */
    private String event_source;
    /** operation, e.g. insert */
    private String event_name;
    /** region */
    private String region;
    /** event version */
    private String event_version;
    /** the change */
    private DDSBody dds;
    /** event source id */
    private String event_source_id;

    public DDSRecord() {
    }

    public String getEventSource() {
        return event_source;
    }

    public void setEventSource(String value) {
        this.event_source = value;
    }

    public String getEventName() {
        return event_name;
    }

    public void setEventName(String value) {
        this.event_name = value;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String value) {
        this.region = value;
    }

    public String getEventVersion() {
        return event_version;
    }

    public void setEventVersion(String value) {
        this.event_version = value;
    }

    public DDSBody getDds() {
        return dds;
    }

    public void setDds(DDSBody value) {
        this.dds = value;
    }

    public String getEventSourceId() {
        return event_source_id;
    }

    public void setEventSourceId(String value) {
        this.event_source_id = value;
    }

    @Override
    public String toString() {
        return "DDSRecord{" +
                "event_source=" + quote(event_source) +
                ", event_name=" + quote(event_name) +
                ", region=" + quote(region) +
                ", event_version=" + quote(event_version) +
                ", dds=" + dds +
                ", event_source_id=" + quote(event_source_id) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
