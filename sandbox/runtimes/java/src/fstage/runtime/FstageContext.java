// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Map;
import java.util.TimeZone;

/**
 * The Context API (PLATFORM.md §1.8) for one invocation, as both interfaces the platform's
 * published Java runtimes pass: Huawei Cloud's com.huawei.services.runtime.Context and Open
 * Telekom Cloud's com.opentelekomcloud.services.runtime.Context (same methods, another
 * package: opentelekomcloud/opentelekomcloud-functiongraph-java, java-core/.../Context.java).
 */
final class FstageContext
        implements com.huawei.services.runtime.Context, com.opentelekomcloud.services.runtime.Context {
    private static Object state;
    private final String requestId;
    private final long deadlineMs;
    private final Map<String, String> headers;  // lower-cased names
    private final Logger logger;

    FstageContext(String requestId, long deadlineMs, Map<String, String> headers) {
        this.requestId = requestId;
        this.deadlineMs = deadlineMs;
        this.headers = headers;
        this.logger = new Logger(requestId, System.out);
    }

    private String header(String name) {
        String v = headers.get(name.toLowerCase());
        return v == null ? "" : v;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null ? dflt : v;
    }

    private static int envInt(String name, int dflt) {
        try {
            return Integer.parseInt(env(name, ""));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    @Override public String getRequestID() { return requestId; }
    @Override public int getRemainingTimeInMilliSeconds() {
        return (int) Math.max(0, deadlineMs - System.currentTimeMillis());
    }
    @Override @Deprecated public String getAccessKey() { return header("X-CFF-Access-Key"); }
    @Override @Deprecated public String getSecretKey() { return header("X-CFF-Secret-Key"); }
    @Override public String getSecurityAccessKey() { return header("X-CFF-Security-Access-Key"); }
    @Override public String getSecuritySecretKey() { return header("X-CFF-Security-Secret-Key"); }
    @Override public String getSecurityToken() { return header("X-CFF-Security-Token"); }
    @Override public String getToken() { return header("X-CFF-Auth-Token"); }
    @Override public String getUserData(String key) {
        com.google.gson.JsonElement v = Bootstrap.userData().get(key);
        return v == null || v.isJsonNull() ? null
                : v.isJsonPrimitive() ? v.getAsString() : v.toString();
    }
    @Override public String getFunctionName() { return env("RUNTIME_FUNC_NAME", ""); }
    @Override public int getRunningTimeInSeconds() { return envInt("RUNTIME_TIMEOUT", 3); }
    @Override public String getVersion() { return env("RUNTIME_FUNC_VERSION", "latest"); }
    @Override public int getMemorySize() { return envInt("RUNTIME_MEMORY", 128); }
    @Override public int getCPUNumber() { return envInt("RUNTIME_CPU", 300); }
    @Override public String getProjectID() { return env("RUNTIME_PROJECT_ID", ""); }
    @Override public String getPackage() { return env("RUNTIME_PACKAGE", "default"); }
    @Override public Logger getLogger() { return logger; }
    @Override public String getAlias() { return header("X-Cff-Origin-Version-Tag"); }
    @Override public String getInvokeProperty() { return header("X-Cff-Invoke-Property"); }
    @Override public String getTraceID() {
        String t = header("X-Cff-Trace-Id");
        return t.isEmpty() ? requestId : t;
    }
    @Override public String getInvokeID() { return requestId; }
    @Override public Object getState() { return state; }
    @Override public void setState(Object s) { state = s; }
    @Override public String getInstanceID() { return env("FSTAGE_INSTANCE_ID", ""); }
    @Override public String getWorkflowID() { return header("X-Cff-Workflow-Id"); }
    @Override public String getWorkflowRunID() { return header("X-Cff-Workflow-Run-Id"); }
    @Override public String getWorkflowStateID() { return header("X-Cff-Workflow-State-Id"); }

    /**
     * Lines "<UTC time> <request id> <LEVEL> <message>" on stdout, the platform's Java log line
     * (OTC's devguide logging.rst shows log() writing "... <request id> INFO Event: ...");
     * log() writes at INFO whatever the level set. Serialised with Gson (as the context is by
     * OTC's ContextHelper.getLogLevel, the workaround its logging.rst documents for reading the
     * level), it gives {"logLevel": "INFO", ...}.
     */
    static final class Logger implements com.huawei.services.runtime.RuntimeLogger,
                                         com.opentelekomcloud.services.runtime.RuntimeLogger {
        private static final String[] LEVELS = {"DEBUG", "INFO", "WARN", "ERROR"};
        private final transient String requestId;
        private final transient PrintStream out;
        private transient int level = 1;
        private String logLevel = LEVELS[1];

        Logger(String requestId, PrintStream out) {
            this.requestId = requestId;
            this.out = out;
        }

        private void emit(int lvl, String message) {
            if (lvl < level) {
                return;
            }
            write(LEVELS[lvl], message);
        }

        private void write(String label, String message) {
            SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            out.println(f.format(new Date()) + " " + requestId + " " + label + " " + message);
        }

        @Override public void log(String m) { write("INFO", m); }
        @Override public void debug(String m) { emit(0, m); }
        @Override public void info(String m) { emit(1, m); }
        @Override public void warn(String m) { emit(2, m); }
        @Override public void error(String m) { emit(3, m); }
        @Override public void setLevel(String l) {
            for (int k = 0; k < LEVELS.length; k++) {
                if (LEVELS[k].equalsIgnoreCase(l)) {
                    level = k;
                    logLevel = LEVELS[k];
                }
            }
        }
    }
}
