package com.huawei.services.runtime.entity.smn;

import java.util.Arrays;

/**
 * Event sent by an SMN trigger. The records are under "record" (singular).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class SMNTriggerEvent {
    /** notifications */
    private SMNRecord[] record;
    /** function name */
    private String functionname;
    /** request id */
    private String requestId;
    /** delivery time */
    private String timestamp;

    public SMNTriggerEvent() {
    }

    public SMNRecord[] getRecord() {
        return record;
    }

    public void setRecord(SMNRecord[] value) {
        this.record = value;
    }

    public String getFunctionName() {
        return functionname;
    }

    public void setFunctionName(String value) {
        this.functionname = value;
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String value) {
        this.requestId = value;
    }

    public String getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(String value) {
        this.timestamp = value;
    }

    @Override
    public String toString() {
        return "SMNTriggerEvent{" +
                "record=" + Arrays.toString(record) +
                ", functionname=" + quote(functionname) +
                ", requestId=" + quote(requestId) +
                ", timestamp=" + quote(timestamp) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
