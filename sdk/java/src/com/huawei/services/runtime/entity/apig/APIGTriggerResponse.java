package com.huawei.services.runtime.entity.apig;

import java.io.UnsupportedEncodingException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Result a function returns to an APIG trigger. Any other result shape makes APIG
 * answer 500.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class APIGTriggerResponse {
    /** HTTP status code */
    private int statusCode;
    /** response headers */
    private Map<String, String> headers;
    /** response body, base64-encoded when isBase64Encoded is true */
    private String body;
    /** whether body is base64-encoded */
    private boolean isBase64Encoded;

    public APIGTriggerResponse() {
    }

    public APIGTriggerResponse(int statusCode, Map<String, String> headers, String body) {
        this.statusCode = statusCode;
        this.headers = headers;
        this.body = body;
    }

    public APIGTriggerResponse(int statusCode, Map<String, String> headers, boolean isBase64Encoded, String body) {
        this.statusCode = statusCode;
        this.headers = headers;
        this.isBase64Encoded = isBase64Encoded;
        this.body = body;
    }

    public int getStatusCode() {
        return statusCode;
    }

    public void setStatusCode(int value) {
        this.statusCode = value;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> value) {
        this.headers = value;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String value) {
        this.body = value;
    }

    public boolean isBase64Encoded() {
        return isBase64Encoded;
    }

    public boolean getIsBase64Encoded() {
        return isBase64Encoded;
    }

    public void setBase64Encoded(boolean value) {
        this.isBase64Encoded = value;
    }

    public void setIsBase64Encoded(boolean value) {
        this.isBase64Encoded = value;
    }

    /**
     * Stores the body base64-encoded and marks the response as encoded.
     *
     * @param value the plain body
     * @throws UnsupportedEncodingException never in practice (UTF-8 is always present)
     */
    public void setBase64EncodedBody(String value) throws UnsupportedEncodingException {
        this.body = value == null ? null : Base64.getEncoder().encodeToString(value.getBytes("UTF-8"));
        this.isBase64Encoded = true;
    }

    public void addHeader(String key, String value) {
        if (headers == null) {
            headers = new HashMap<String, String>();
        }
        headers.put(key, value);
    }

    public void addHeaders(Map<String, String> values) {
        if (headers == null) {
            headers = new HashMap<String, String>();
        }
        headers.putAll(values);
    }

    public void removeHeader(String key) {
        if (headers != null) {
            headers.remove(key);
        }
    }

    @Override
    public String toString() {
        return "APIGTriggerResponse{" +
                "statusCode=" + statusCode +
                ", headers=" + headers +
                ", body=" + quote(body) +
                ", isBase64Encoded=" + isBase64Encoded +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
