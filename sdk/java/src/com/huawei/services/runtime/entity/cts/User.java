package com.huawei.services.runtime.entity.cts;

/**
 * The user who performed a traced operation.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class User {
    /** user name */
    private String name;
    /** user id */
    private String id;
    /** the account */
    private Domain domain;

    public User() {
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

    public Domain getDomain() {
        return domain;
    }

    public void setDomain(Domain value) {
        this.domain = value;
    }

    @Override
    public String toString() {
        return "User{" +
                "name=" + quote(name) +
                ", id=" + quote(id) +
                ", domain=" + domain +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
