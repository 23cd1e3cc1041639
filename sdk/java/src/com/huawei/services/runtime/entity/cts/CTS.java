package com.huawei.services.runtime.entity.cts;

import java.util.Map;

/**
 * One Cloud Trace Service (CTS) audit record.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class CTS {
    /** time of the operation (epoch) */
    private long time;
    /** who performed it */
    private User user;
    /** request content */
    private Map<String, Object> request;
    /** response content */
    private Map<String, Object> response;
    /** response code */
    private int code;
    /** service, e.g. FunctionGraph */
    private String service_type;
    /** resource type */
    private String resource_type;
    /** resource name */
    private String resource_name;
    /** resource id */
    private String resource_id;
    /** operation, e.g. createFunction */
    private String trace_name;
    /** e.g. ConsoleAction, ApiCall */
    private String trace_type;
    /** time CTS recorded the trace (epoch) */
    private long record_time;
    /** trace id */
    private String trace_id;
    /** normal, warning or incident */
    private String trace_status;
    /** rating (newer records) */
    private String trace_rating;
    /** API version (newer records) */
    private String api_version;
    /** message (newer records) */
    private String message;
    /** operation id (newer records) */
    private String operation_id;
    /** project id (newer records) */
    private String project_id;
    /** account id (newer records) */
    private String domain_id;
    /** caller address (newer records) */
    private String source_ip;
    /** read-only operation (newer records) */
    private boolean read_only;
    /** resource account (newer records) */
    private String resource_account_id;

    public CTS() {
    }

    public long getTime() {
        return time;
    }

    public void setTime(long value) {
        this.time = value;
    }

    public User getUser() {
        return user;
    }

    public void setUser(User value) {
        this.user = value;
    }

    public Map<String, Object> getRequest() {
        return request;
    }

    public void setRequest(Map<String, Object> value) {
        this.request = value;
    }

    public Map<String, Object> getResponse() {
        return response;
    }

    public void setResponse(Map<String, Object> value) {
        this.response = value;
    }

    public int getCode() {
        return code;
    }

    public void setCode(int value) {
        this.code = value;
    }

    public String getServiceType() {
        return service_type;
    }

    public void setServiceType(String value) {
        this.service_type = value;
    }

    public String getResourceType() {
        return resource_type;
    }

    public void setResourceType(String value) {
        this.resource_type = value;
    }

    public String getResourceName() {
        return resource_name;
    }

    public void setResourceName(String value) {
        this.resource_name = value;
    }

    public String getResourceId() {
        return resource_id;
    }

    public void setResourceId(String value) {
        this.resource_id = value;
    }

    public String getTraceName() {
        return trace_name;
    }

    public void setTraceName(String value) {
        this.trace_name = value;
    }

    public String getTraceType() {
        return trace_type;
    }

    public void setTraceType(String value) {
        this.trace_type = value;
    }

    public long getRecordTime() {
        return record_time;
    }

    public void setRecordTime(long value) {
        this.record_time = value;
    }

    public String getTraceId() {
        return trace_id;
    }

    public void setTraceId(String value) {
        this.trace_id = value;
    }

    public String getTraceStatus() {
        return trace_status;
    }

    public void setTraceStatus(String value) {
        this.trace_status = value;
    }

    public String getTraceRating() {
        return trace_rating;
    }

    public void setTraceRating(String value) {
        this.trace_rating = value;
    }

    public String getApiVersion() {
        return api_version;
    }

    public void setApiVersion(String value) {
        this.api_version = value;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String value) {
        this.message = value;
    }

    public String getOperationId() {
        return operation_id;
    }

    public void setOperationId(String value) {
        this.operation_id = value;
    }

    public String getProjectId() {
        return project_id;
    }

    public void setProjectId(String value) {
        this.project_id = value;
    }

    public String getDomainId() {
        return domain_id;
    }

    public void setDomainId(String value) {
        this.domain_id = value;
    }

    public String getSourceIp() {
        return source_ip;
    }

    public void setSourceIp(String value) {
        this.source_ip = value;
    }

    public boolean getReadOnly() {
        return read_only;
    }

    public void setReadOnly(boolean value) {
        this.read_only = value;
    }

    public String getResourceAccountId() {
        return resource_account_id;
    }

    public void setResourceAccountId(String value) {
        this.resource_account_id = value;
    }

    @Override
    public String toString() {
        return "CTS{" +
                "time=" + time +
                ", user=" + user +
                ", request=" + request +
                ", response=" + response +
                ", code=" + code +
                ", service_type=" + quote(service_type) +
                ", resource_type=" + quote(resource_type) +
                ", resource_name=" + quote(resource_name) +
                ", resource_id=" + quote(resource_id) +
                ", trace_name=" + quote(trace_name) +
                ", trace_type=" + quote(trace_type) +
                ", record_time=" + record_time +
                ", trace_id=" + quote(trace_id) +
                ", trace_status=" + quote(trace_status) +
                ", trace_rating=" + quote(trace_rating) +
                ", api_version=" + quote(api_version) +
                ", message=" + quote(message) +
                ", operation_id=" + quote(operation_id) +
                ", project_id=" + quote(project_id) +
                ", domain_id=" + quote(domain_id) +
                ", source_ip=" + quote(source_ip) +
                ", read_only=" + read_only +
                ", resource_account_id=" + quote(resource_account_id) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
