package com.huawei.services.runtime.entity.smn;

/**
 * One SMN notification delivered to the function.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class SMNRecord {
    /** event version */
    private String event_version;
    /** the message */
    private SMNBody smn;
    /** subscription URN */
    private String event_subscription_urn;
    /** "smn" */
    private String event_source;

    public SMNRecord() {
    }

    public String getEventVersion() {
        return event_version;
    }

    public void setEventVersion(String value) {
        this.event_version = value;
    }

    public SMNBody getSmn() {
        return smn;
    }

    public void setSmn(SMNBody value) {
        this.smn = value;
    }

    public String getEventSubscriptionUrn() {
        return event_subscription_urn;
    }

    public void setEventSubscriptionUrn(String value) {
        this.event_subscription_urn = value;
    }

    public String getEventSource() {
        return event_source;
    }

    public void setEventSource(String value) {
        this.event_source = value;
    }

    @Override
    public String toString() {
        return "SMNRecord{" +
                "event_version=" + quote(event_version) +
                ", smn=" + smn +
                ", event_subscription_urn=" + quote(event_subscription_urn) +
                ", event_source=" + quote(event_source) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
