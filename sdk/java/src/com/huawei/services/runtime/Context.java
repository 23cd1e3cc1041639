package com.huawei.services.runtime;

/**
 * The context object passed to a FunctionGraph Java handler
 * ({@code public R handler(T event, Context context)}): information about the invocation,
 * the function configuration and the execution environment.
 */
public interface Context {

    /** @return the id of the current request (header X-CFF-Request-Id) */
    String getRequestID();

    /** @return the time left before the invocation times out, in milliseconds */
    int getRemainingTimeInMilliSeconds();

    /**
     * @return the agency access key
     * @deprecated no longer maintained by the platform; use {@link #getSecurityAccessKey()}
     */
    @Deprecated
    String getAccessKey();

    /**
     * @return the agency secret key
     * @deprecated no longer maintained by the platform; use {@link #getSecuritySecretKey()}
     */
    @Deprecated
    String getSecretKey();

    /** @return the temporary agency access key (the function needs an agency) */
    String getSecurityAccessKey();

    /** @return the temporary agency secret key (the function needs an agency) */
    String getSecuritySecretKey();

    /** @return the temporary agency security token (the function needs an agency) */
    String getSecurityToken();

    /** @return the agency IAM token (the function needs an agency) */
    String getToken();

    /**
     * @param key name of an environment variable configured on the function
     * @return its value, or null when it is not set
     */
    String getUserData(String key);

    /** @return the function name */
    String getFunctionName();

    /** @return the configured timeout, in seconds */
    int getRunningTimeInSeconds();

    /** @return the function version being executed, e.g. "latest" */
    String getVersion();

    /** @return the configured memory, in MB */
    int getMemorySize();

    /** @return the CPU share of the function, in millicores */
    int getCPUNumber();

    /** @return the project id */
    String getProjectID();

    /** @return the function's package (app), e.g. "default" */
    String getPackage();

    /** @return the logger bound to the current request */
    RuntimeLogger getLogger();

    /** @return the alias the function was invoked through, or an empty string */
    String getAlias();

    /** @return the invoke property of the request */
    default String getInvokeProperty() {
        return "";
    }

    /** @return the trace id of the request */
    default String getTraceID() {
        return "";
    }

    /** @return the invoke id of the request */
    default String getInvokeID() {
        return "";
    }

    /** @return the state object of a stateful function, or null */
    default Object getState() {
        return null;
    }

    /** @param state the state object to keep for a stateful function */
    default void setState(Object state) {
    }

    /** @return the id of the instance running the function */
    default String getInstanceID() {
        return "";
    }

    /** @return the workflow id, when invoked by a function flow */
    default String getWorkflowID() {
        return "";
    }

    /** @return the workflow run id, when invoked by a function flow */
    default String getWorkflowRunID() {
        return "";
    }

    /** @return the workflow state id, when invoked by a function flow */
    default String getWorkflowStateID() {
        return "";
    }
}
