package com.opentelekomcloud.services.runtime;

/**
 * The context object as Open Telekom Cloud's FunctionGraph Java library names it
 * ({@code io.github.opentelekomcloud:opentelekomcloud-functiongraph-java-core}): the same
 * platform and the same methods as {@code com.huawei.services.runtime.Context}, in another
 * package. A handler {@code public R handleRequest(T event, Context context)} taking this type
 * runs under fstage as it does on that cloud.
 */
public interface Context {

    /** @return the id of the current request */
    String getRequestID();

    /** @return the time left before the invocation times out, in milliseconds */
    int getRemainingTimeInMilliSeconds();

    /** @return the agency access key; no longer maintained by the platform */
    @Deprecated
    String getAccessKey();

    /** @return the agency secret key; no longer maintained by the platform */
    @Deprecated
    String getSecretKey();

    /** @return the temporary agency access key (the function needs an agency) */
    String getSecurityAccessKey();

    /** @return the temporary agency secret key (the function needs an agency) */
    String getSecuritySecretKey();

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

    /** @return the agency IAM token (the function needs an agency) */
    String getToken();

    /** @return the temporary agency security token (the function needs an agency) */
    String getSecurityToken();

    /** @return the logger bound to the current request */
    RuntimeLogger getLogger();

    /** @return the state object of a stateful function, or null */
    Object getState();

    /** @param state the state object to keep for a stateful function */
    void setState(Object state);

    /** @return the id of the instance running the function */
    String getInstanceID();

    /** @return the invoke property of the request */
    String getInvokeProperty();

    /** @return the trace id of the request */
    String getTraceID();

    /** @return the invoke id of the request */
    String getInvokeID();

    /** @return the alias the function was invoked through, or an empty string */
    String getAlias();

    /** @return the workflow run id, when invoked by a function flow */
    @Deprecated
    String getWorkflowRunID();

    /** @return the workflow state id, when invoked by a function flow */
    @Deprecated
    String getWorkflowStateID();

    /** @return the workflow id, when invoked by a function flow */
    String getWorkflowID();
}
