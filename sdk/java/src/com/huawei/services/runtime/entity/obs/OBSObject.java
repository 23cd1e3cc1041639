package com.huawei.services.runtime.entity.obs;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;

/**
 * The object of an OBS event. The key is URL-encoded.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSObject {
    /** object key (URL-encoded) */
    private String key;
    /** entity tag */
    private String eTag;
    /** size in bytes */
    private long size;
    /** version id */
    private String versionId;
    /** event sequencer */
    private String sequencer;

    public OBSObject() {
    }

    public String getKey() {
        return key;
    }

    public void setKey(String value) {
        this.key = value;
    }

    public String getETag() {
        return eTag;
    }

    public void setETag(String value) {
        this.eTag = value;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long value) {
        this.size = value;
    }

    public String getVersionId() {
        return versionId;
    }

    public void setVersionId(String value) {
        this.versionId = value;
    }

    public String getSequencer() {
        return sequencer;
    }

    public void setSequencer(String value) {
        this.sequencer = value;
    }

    /**
     * @return the object key with its URL encoding removed
     * @throws UnsupportedEncodingException never in practice (UTF-8 is always present)
     */
    public String getDecodedKey() throws UnsupportedEncodingException {
        return key == null ? null : URLDecoder.decode(key, "UTF-8");
    }

    @Override
    public String toString() {
        return "OBSObject{" +
                "key=" + quote(key) +
                ", eTag=" + quote(eTag) +
                ", size=" + size +
                ", versionId=" + quote(versionId) +
                ", sequencer=" + quote(sequencer) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
