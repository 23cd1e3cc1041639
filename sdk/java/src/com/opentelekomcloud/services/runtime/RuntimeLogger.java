package com.opentelekomcloud.services.runtime;

/**
 * Function logger, as Open Telekom Cloud's FunctionGraph Java library names it; the same
 * methods as {@code com.huawei.services.runtime.RuntimeLogger}.
 */
public interface RuntimeLogger {

    /** Writes a message regardless of the level. */
    void log(String message);

    /** Writes a message at DEBUG level. */
    void debug(String message);

    /** Writes a message at INFO level. */
    void info(String message);

    /** Writes a message at WARN level. */
    void warn(String message);

    /** Writes a message at ERROR level. */
    void error(String message);

    /** Sets the lowest level written: "DEBUG", "INFO", "WARN" or "ERROR". */
    void setLevel(String level);
}
