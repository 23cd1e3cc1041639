package com.huawei.services.runtime.entity.apig;

/**
 * Request information of an APIG event: the API, the request id and the stage.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class APIGRequestContext {
    /** API id */
    private String apiId;
    /** id of the API request */
    private String requestId;
    /** release environment, e.g. RELEASE */
    private String stage;
    /** client address (when sent) */
    private String sourceIp;

    public APIGRequestContext() {
    }

    public String getApiId() {
        return apiId;
    }

    public void setApiId(String value) {
        this.apiId = value;
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String value) {
        this.requestId = value;
    }

    public String getStage() {
        return stage;
    }

    public void setStage(String value) {
        this.stage = value;
    }

    public String getSourceIp() {
        return sourceIp;
    }

    public void setSourceIp(String value) {
        this.sourceIp = value;
    }

    @Override
    public String toString() {
        return "APIGRequestContext{" +
                "apiId=" + quote(apiId) +
                ", requestId=" + quote(requestId) +
                ", stage=" + quote(stage) +
                ", sourceIp=" + quote(sourceIp) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
