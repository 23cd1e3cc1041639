package com.huawei.services.runtime.entity.lts;

import java.io.UnsupportedEncodingException;
import java.util.Base64;

/**
 * The subscribed logs of an LTS event, base64-encoded.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class LTSBody {
    /** base64 of {"logs": ..., "owner", "log_group_id", "log_topic_id"} */
    private String data;

    public LTSBody() {
    }

    public String getData() {
        return data;
    }

    public void setData(String value) {
        this.data = value;
    }

    /**
     * @return the data base64-decoded: a JSON document with the keys logs, owner,
     *         log_group_id and log_topic_id
     * @throws UnsupportedEncodingException never in practice (UTF-8 is always present)
     */
    public String getRawData() throws UnsupportedEncodingException {
        return decodeBase64(data);
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
        return "LTSBody{" +
                "data=" + quote(data) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
