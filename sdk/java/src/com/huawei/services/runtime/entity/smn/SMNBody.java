package com.huawei.services.runtime.entity.smn;

import java.util.Map;

/**
 * One Simple Message Notification (SMN) message.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class SMNBody {
    /** topic URN */
    private String topic_urn;
    /** publish time */
    private String timestamp;
    /** message attributes (may be null) */
    private Map<String, String> message_attributes;
    /** message body */
    private String message;
    /** message type, e.g. notification */
    private String type;
    /** message id */
    private String message_id;
    /** message subject */
    private String subject;

    public SMNBody() {
    }

    public String getTopicUrn() {
        return topic_urn;
    }

    public void setTopicUrn(String value) {
        this.topic_urn = value;
    }

    public String getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(String value) {
        this.timestamp = value;
    }

    public Map<String, String> getMessageAttributes() {
        return message_attributes;
    }

    public void setMessageAttributes(Map<String, String> value) {
        this.message_attributes = value;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String value) {
        this.message = value;
    }

    public String getType() {
        return type;
    }

    public void setType(String value) {
        this.type = value;
    }

    public String getMessageId() {
        return message_id;
    }

    public void setMessageId(String value) {
        this.message_id = value;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String value) {
        this.subject = value;
    }

    @Override
    public String toString() {
        return "SMNBody{" +
                "topic_urn=" + quote(topic_urn) +
                ", timestamp=" + quote(timestamp) +
                ", message_attributes=" + message_attributes +
                ", message=" + quote(message) +
                ", type=" + quote(type) +
                ", message_id=" + quote(message_id) +
                ", subject=" + quote(subject) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
