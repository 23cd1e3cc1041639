package com.huawei.services.runtime.entity.obs;

/**
 * The user who caused an OBS event.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class OBSUserIdentity {
    /** user id */
    private String principalId;

    public OBSUserIdentity() {
    }

    public String getPrincipalId() {
        return principalId;
    }

    public void setPrincipalId(String value) {
        this.principalId = value;
    }

    @Override
    public String toString() {
        return "OBSUserIdentity{" +
                "principalId=" + quote(principalId) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
