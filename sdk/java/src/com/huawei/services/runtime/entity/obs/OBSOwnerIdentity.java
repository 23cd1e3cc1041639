package com.huawei.services.runtime.entity.obs;

/**
 * The owner of an OBS bucket (note the capitalised JSON key).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSOwnerIdentity {
    /** owner id */
    private String PrincipalId;

    public OBSOwnerIdentity() {
    }

    public String getPrincipalId() {
        return PrincipalId;
    }

    public void setPrincipalId(String value) {
        this.PrincipalId = value;
    }

    @Override
    public String toString() {
        return "OBSOwnerIdentity{" +
                "PrincipalId=" + quote(PrincipalId) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
