package com.huawei.services.runtime;

/**
 * Function logger. Each call writes one line {@code <UTC time> <request id> <message>},
 * e.g. {@code 2017-10-25T09:10:03.328Z 473d369d-101a-445e-a7a8-315cca788f86 Hello world}.
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
