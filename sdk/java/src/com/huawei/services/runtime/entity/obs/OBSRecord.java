package com.huawei.services.runtime.entity.obs;

import java.util.Map;

/**
 * One OBS object notification (S3 layout).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSRecord {
    /** event version */
    private String eventVersion;
    /** event source */
    private String eventSource;
    /** region */
    private String awsRegion;
    /** event time, ISO 8601 */
    private String eventTime;
    /** event name, e.g. ObjectCreated:Put */
    private String eventName;
    /** who caused the event */
    private OBSUserIdentity userIdentity;
    /** request parameters (sourceIPAddress) */
    private Map<String, String> requestParameters;
    /** response elements */
    private Map<String, String> responseElements;
    /** bucket and object */
    private OBSBody s3;

    public OBSRecord() {
    }

    public String getEventVersion() {
        return eventVersion;
    }

    public void setEventVersion(String value) {
        this.eventVersion = value;
    }

    public String getEventSource() {
        return eventSource;
    }

    public void setEventSource(String value) {
        this.eventSource = value;
    }

    public String getAwsRegion() {
        return awsRegion;
    }

    public void setAwsRegion(String value) {
        this.awsRegion = value;
    }

    public String getEventTime() {
        return eventTime;
    }

    public void setEventTime(String value) {
        this.eventTime = value;
    }

    public String getEventName() {
        return eventName;
    }

    public void setEventName(String value) {
        this.eventName = value;
    }

    public OBSUserIdentity getUserIdentity() {
        return userIdentity;
    }

    public void setUserIdentity(OBSUserIdentity value) {
        this.userIdentity = value;
    }

    public Map<String, String> getRequestParameters() {
        return requestParameters;
    }

    public void setRequestParameters(Map<String, String> value) {
        this.requestParameters = value;
    }

    public Map<String, String> getResponseElements() {
        return responseElements;
    }

    public void setResponseElements(Map<String, String> value) {
        this.responseElements = value;
    }

    public OBSBody getS3() {
        return s3;
    }

    public void setS3(OBSBody value) {
        this.s3 = value;
    }

    @Override
    public String toString() {
        return "OBSRecord{" +
                "eventVersion=" + quote(eventVersion) +
                ", eventSource=" + quote(eventSource) +
                ", awsRegion=" + quote(awsRegion) +
                ", eventTime=" + quote(eventTime) +
                ", eventName=" + quote(eventName) +
                ", userIdentity=" + userIdentity +
                ", requestParameters=" + requestParameters +
                ", responseElements=" + responseElements +
                ", s3=" + s3 +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
