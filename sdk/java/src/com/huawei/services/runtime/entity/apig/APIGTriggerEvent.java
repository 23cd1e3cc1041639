package com.huawei.services.runtime.entity.apig;

import java.io.UnsupportedEncodingException;
import java.util.Base64;
import java.util.Map;

/**
 * Event sent by an API Gateway (APIG) trigger. Header names are lower-case; the body is
 * base64-encoded when {@code isBase64Encoded} is true (the APIG default).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class APIGTriggerEvent {
    /** whether body is base64-encoded */
    private boolean isBase64Encoded;
    /** HTTP method */
    private String httpMethod;
    /** request path */
    private String path;
    /** request body, possibly base64-encoded */
    private String body;
    /** path parameters */
    private Map<String, String> pathParameters;
    /** API and request information */
    private APIGRequestContext requestContext;
    /** request headers (lower-case names) */
    private Map<String, String> headers;
    /** query parameters */
    private Map<String, String> queryStringParameters;
    /** user data set by an APIG custom authorizer */
    private String user_data;

    public APIGTriggerEvent() {
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

    public String getHttpMethod() {
        return httpMethod;
    }

    public void setHttpMethod(String value) {
        this.httpMethod = value;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String value) {
        this.path = value;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String value) {
        this.body = value;
    }

    public Map<String, String> getPathParameters() {
        return pathParameters;
    }

    public void setPathParameters(Map<String, String> value) {
        this.pathParameters = value;
    }

    public APIGRequestContext getRequestContext() {
        return requestContext;
    }

    public void setRequestContext(APIGRequestContext value) {
        this.requestContext = value;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> value) {
        this.headers = value;
    }

    public Map<String, String> getQueryStringParameters() {
        return queryStringParameters;
    }

    public void setQueryStringParameters(Map<String, String> value) {
        this.queryStringParameters = value;
    }

    public String getUserData() {
        return user_data;
    }

    public void setUserData(String value) {
        this.user_data = value;
    }

    /**
     * @return the request body, base64-decoded when {@code isBase64Encoded} is true
     * @throws UnsupportedEncodingException never in practice (UTF-8 is always present)
     */
    public String getRawBody() throws UnsupportedEncodingException {
        return isBase64Encoded ? decodeBase64(body) : body;
    }

    /**
     * @param name header name, any case
     * @return the header value, or null
     */
    public String getHeader(String name) {
        if (headers == null || name == null) {
            return null;
        }
        String value = headers.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String decodeBase64(String value) throws UnsupportedEncodingException {
        if (value == null) {
            return null;
        }
        byte[] bytes = Base64.getMimeDecoder().decode(value);
        return new String(bytes, "UTF-8");
    }

    @Override
    public String toString() {
        return "APIGTriggerEvent{" +
                "isBase64Encoded=" + isBase64Encoded +
                ", httpMethod=" + quote(httpMethod) +
                ", path=" + quote(path) +
                ", body=" + quote(body) +
                ", pathParameters=" + pathParameters +
                ", requestContext=" + requestContext +
                ", headers=" + headers +
                ", queryStringParameters=" + queryStringParameters +
                ", user_data=" + quote(user_data) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
