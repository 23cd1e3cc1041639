package com.huawei.services.runtime.entity.dis;

/**
 * Event sent by a DIS trigger.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DISTriggerEvent {
    /** partition id */
    private String ShardID;
    /** the records */
    private DISMessage Message;
    /** function version */
    private String Tag;
    /** stream name */
    private String StreamName;

    public DISTriggerEvent() {
    }

    public String getShardID() {
        return ShardID;
    }

    public void setShardID(String value) {
        this.ShardID = value;
    }

    public DISMessage getMessage() {
        return Message;
    }

    public void setMessage(DISMessage value) {
        this.Message = value;
    }

    public String getTag() {
        return Tag;
    }

    public void setTag(String value) {
        this.Tag = value;
    }

    public String getStreamName() {
        return StreamName;
    }

    public void setStreamName(String value) {
        this.StreamName = value;
    }

    @Override
    public String toString() {
        return "DISTriggerEvent{" +
                "ShardID=" + quote(ShardID) +
                ", Message=" + Message +
                ", Tag=" + quote(Tag) +
                ", StreamName=" + quote(StreamName) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
