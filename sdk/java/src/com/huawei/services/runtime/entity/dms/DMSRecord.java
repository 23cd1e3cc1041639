package com.huawei.services.runtime.entity.dms;

import java.util.Arrays;

/**
 * The messages of one topic in a Kafka (DMS) event.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DMSRecord {
    /** messages */
    private String[] messages;
    /** topic */
    private String topic_id;
    /** instance id (older payloads carry it here) */
    private String instance_id;

    public DMSRecord() {
    }

    public String[] getMessages() {
        return messages;
    }

    public void setMessages(String[] value) {
        this.messages = value;
    }

    public String getTopicId() {
        return topic_id;
    }

    public void setTopicId(String value) {
        this.topic_id = value;
    }

    public String getInstanceId() {
        return instance_id;
    }

    public void setInstanceId(String value) {
        this.instance_id = value;
    }

    @Override
    public String toString() {
        return "DMSRecord{" +
                "messages=" + Arrays.toString(messages) +
                ", topic_id=" + quote(topic_id) +
                ", instance_id=" + quote(instance_id) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
