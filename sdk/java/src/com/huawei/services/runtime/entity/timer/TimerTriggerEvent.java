package com.huawei.services.runtime.entity.timer;

/**
 * Event sent by a timer trigger (Rate or Cron schedule).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class TimerTriggerEvent {
    /** event version, "v1.0" */
    private String version;
    /** time the timer fired, RFC 3339 (e.g. 2023-06-01T08:30:00+08:00) */
    private String time;
    /** "TIMER" */
    private String trigger_type;
    /** trigger name */
    private String trigger_name;
    /** additional information configured on the trigger */
    private String user_event;

    public TimerTriggerEvent() {
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String value) {
        this.version = value;
    }

    public String getTime() {
        return time;
    }

    public void setTime(String value) {
        this.time = value;
    }

    public String getTriggerType() {
        return trigger_type;
    }

    public void setTriggerType(String value) {
        this.trigger_type = value;
    }

    public String getTriggerName() {
        return trigger_name;
    }

    public void setTriggerName(String value) {
        this.trigger_name = value;
    }

    public String getUserEvent() {
        return user_event;
    }

    public void setUserEvent(String value) {
        this.user_event = value;
    }

    @Override
    public String toString() {
        return "TimerTriggerEvent{" +
                "version=" + quote(version) +
                ", time=" + quote(time) +
                ", trigger_type=" + quote(trigger_type) +
                ", trigger_name=" + quote(trigger_name) +
                ", user_event=" + quote(user_event) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
