package com.huawei.services.runtime.entity.lts;

import java.io.UnsupportedEncodingException;

/**
 * Event sent by a Log Tank Service (LTS) trigger.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class LTSTriggerEvent {
    /** the logs */
    private LTSBody lts;

    public LTSTriggerEvent() {
    }

    public LTSBody getLts() {
        return lts;
    }

    public void setLts(LTSBody value) {
        this.lts = value;
    }

    /**
     * @return the decoded log data (see {@link LTSBody#getRawData()}), or null
     * @throws UnsupportedEncodingException never in practice (UTF-8 is always present)
     */
    public String getRawData() throws UnsupportedEncodingException {
        return lts == null ? null : lts.getRawData();
    }

    @Override
    public String toString() {
        return "LTSTriggerEvent{" +
                "lts=" + lts +
                "}";
    }
}
