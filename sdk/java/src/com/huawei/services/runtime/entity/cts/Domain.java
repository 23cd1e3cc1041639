package com.huawei.services.runtime.entity.cts;

/**
 * The account of a CTS user.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class Domain {
    /** account name */
    private String name;
    /** account id */
    private String id;

    public Domain() {
    }

    public String getName() {
        return name;
    }

    public void setName(String value) {
        this.name = value;
    }

    public String getId() {
        return id;
    }

    public void setId(String value) {
        this.id = value;
    }

    @Override
    public String toString() {
        return "Domain{" +
                "name=" + quote(name) +
                ", id=" + quote(id) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
