package com.huawei.services.runtime.entity.obs;

/**
 * The bucket of an OBS event.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSBucket {
    /** bucket name */
    private String name;
    /** bucket owner */
    private OBSOwnerIdentity ownerIdentity;
    /** bucket ARN */
    private String arn;

    public OBSBucket() {
    }

    public String getName() {
        return name;
    }

    public void setName(String value) {
        this.name = value;
    }

    public OBSOwnerIdentity getOwnerIdentity() {
        return ownerIdentity;
    }

    public void setOwnerIdentity(OBSOwnerIdentity value) {
        this.ownerIdentity = value;
    }

    public String getArn() {
        return arn;
    }

    public void setArn(String value) {
        this.arn = value;
    }

    @Override
    public String toString() {
        return "OBSBucket{" +
                "name=" + quote(name) +
                ", ownerIdentity=" + ownerIdentity +
                ", arn=" + quote(arn) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
