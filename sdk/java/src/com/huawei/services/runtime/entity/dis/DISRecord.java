package com.huawei.services.runtime.entity.dis;

import java.io.UnsupportedEncodingException;
import java.util.Base64;

/**
 * One Data Ingestion Service (DIS) record; data is base64-encoded.
 * <p>Each field is named exactly as its JSON key.</p>
 */
public class DISRecord {
    /** partition key */
    private String partition_key;
    /** record data, base64-encoded */
    private String data;
    /** sequence number */
    private String sequence_number;

    public DISRecord() {
    }

    public String getPartitionKey() {
        return partition_key;
    }

    public void setPartitionKey(String value) {
        this.partition_key = value;
    }

    public String getData() {
        return data;
    }

    public void setData(String value) {
        this.data = value;
    }

    public String getSequenceNumber() {
        return sequence_number;
    }

    public void setSequenceNumber(String value) {
        this.sequence_number = value;
    }

    /**
     * @return the record data base64-decoded
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
        return "DISRecord{" +
                "partition_key=" + quote(partition_key) +
                ", data=" + quote(data) +
                ", sequence_number=" + quote(sequence_number) +
                "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
