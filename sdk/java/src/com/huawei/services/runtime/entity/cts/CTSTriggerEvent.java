package com.huawei.services.runtime.entity.cts;

/**
 * Event sent by a CTS trigger.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class CTSTriggerEvent {
    /** the audit record */
    private CTS cts;

    public CTSTriggerEvent() {
    }

    public CTS getCts() {
        return cts;
    }

    public void setCts(CTS value) {
        this.cts = value;
    }

    @Override
    public String toString() {
        return "CTSTriggerEvent{" +
                "cts=" + cts +
                "}";
    }
}
