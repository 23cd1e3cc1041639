package com.huawei.services.runtime.entity.obs;

import java.util.Arrays;

/**
 * Event sent by an OBS trigger, in the S3 notification layout ("Records").
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSTriggerEvent {
    /** object notifications */
    private OBSRecord[] Records;

    public OBSTriggerEvent() {
    }

    public OBSRecord[] getRecords() {
        return Records;
    }

    public void setRecords(OBSRecord[] value) {
        this.Records = value;
    }

    /** @return the bucket name of the first record, or null */
    public String getBucketName() {
        OBSRecord r = first();
        return r == null || r.getS3() == null || r.getS3().getBucket() == null ? null : r.getS3().getBucket().getName();
    }

    /** @return the (URL-encoded) object key of the first record, or null */
    public String getObjectKey() {
        OBSRecord r = first();
        return r == null || r.getS3() == null || r.getS3().getObject() == null ? null : r.getS3().getObject().getKey();
    }

    /** @return the event name of the first record, or null */
    public String getEventName() {
        OBSRecord r = first();
        return r == null ? null : r.getEventName();
    }

    private OBSRecord first() {
        return Records == null || Records.length == 0 ? null : Records[0];
    }

    @Override
    public String toString() {
        return "OBSTriggerEvent{" +
                "Records=" + Arrays.toString(Records) +
                "}";
    }
}
