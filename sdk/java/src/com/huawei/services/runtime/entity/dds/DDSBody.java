package com.huawei.services.runtime.entity.dds;

/**
 * One Document Database Service (DDS) change. token, full_document and ns are strings holding
 * JSON (MongoDB extended JSON for full_document).
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DDSBody {
    /** size of the change */
    private String size_bytes;
    /** resume token (JSON) */
    private String token;
    /** the document (JSON) */
    private String full_document;
    /** namespace: {"db": ..., "coll": ...} (JSON) */
    private String ns;

    public DDSBody() {
    }

    public String getSizeBytes() {
        return size_bytes;
    }

    public void setSizeBytes(String value) {
        this.size_bytes = value;
    }

    public String getToken() {
        return token;
    }

    public void setToken(String value) {
        this.token = value;
    }

    public String getFullDocument() {
        return full_document;
    }

    public void setFullDocument(String value) {
        this.full_document = value;
    }

    public String getNs() {
        return ns;
    }

    public void setNs(String value) {
        this.ns = value;
    }

    @Override
    public String toString() {
        return "DDSBody{" +
                "size_bytes=" + quote(size_bytes) +
                ", token=" + quote(token) +
                ", full_document=" + quote(full_document) +
                ", ns=" + quote(ns) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
