package com.huawei.services.runtime.entity.obs;

/**
 * The "s3" part of an OBS record.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSBody {
    /** schema version */
    private String s3SchemaVersion;
    /** notification configuration id */
    private String configurationId;
    /** the bucket */
    private OBSBucket bucket;
    /** the object */
    private OBSObject object;

    public OBSBody() {
    }

    public String getS3SchemaVersion() {
        return s3SchemaVersion;
    }

    public void setS3SchemaVersion(String value) {
        this.s3SchemaVersion = value;
    }

    public String getConfigurationId() {
        return configurationId;
    }

    public void setConfigurationId(String value) {
        this.configurationId = value;
    }

    public OBSBucket getBucket() {
        return bucket;
    }

    public void setBucket(OBSBucket value) {
        this.bucket = value;
    }

    public OBSObject getObject() {
        return object;
    }

    public void setObject(OBSObject value) {
        this.object = value;
    }

    @Override
    public String toString() {
        return "OBSBody{" +
                "s3SchemaVersion=" + quote(s3SchemaVersion) +
                ", configurationId=" + quote(configurationId) +
                ", bucket=" + bucket +
                ", object=" + object +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
