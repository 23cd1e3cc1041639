// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Array;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Events in, results out, the way the platform's Java runtime does it: with Gson. Gson honours
 * {@code @SerializedName}, fills non-static inner classes, hands a JsonObject parameter the
 * event, and writes results field by field, leaving null fields out. (Gson is what the
 * platform's published Java library is built on and binds with: OTC's
 * opentelekomcloud-functiongraph-java-core takes it as "provided", its event entities name
 * their JSON keys with @SerializedName, and its EventLoader reads events with new Gson().)
 */
final class Events {
    static final Gson GSON = new Gson();
    private static final Set<String> warned = new HashSet<>();

    private Events() {
    }

    /** The event text as the handler's first parameter. */
    static Object bind(String event, Type type) {
        Class<?> raw = TypeToken.get(type).getRawType();
        if (event.trim().isEmpty()) {
            return raw.isPrimitive() ? Array.get(Array.newInstance(raw, 1), 0) : null;
        }
        JsonElement tree = JsonParser.parseString(event);
        if (raw == String.class && !(tree.isJsonPrimitive() && tree.getAsJsonPrimitive().isString())) {
            return event;  // a String parameter takes any event as its JSON text
        }
        warnDropped(tree, type);
        return GSON.fromJson(tree, type);
    }

    /**
     * The response body for a handler's return value: nothing for null (or void), a String or
     * byte[] as it is, anything else as Gson writes it.
     */
    static byte[] result(Object r) {
        if (r == null) {
            return new byte[0];
        }
        if (r instanceof byte[]) {
            return (byte[]) r;
        }
        String s = r instanceof String ? (String) r : GSON.toJson(r);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The platform drops event keys that no field takes, silently; fstage binds the same way
     * and says so on stderr, once per class and key, so that a field missing its
     * {@code @SerializedName} does not pass unnoticed as a null.
     */
    private static void warnDropped(JsonElement tree, Type type) {
        List<String> dropped;
        try {
            dropped = DroppedKeys.of(tree, type);
        } catch (RuntimeException e) {
            return;  // a type Gson rejects fails in fromJson, with Gson's own message
        }
        String cls = TypeToken.get(type).getRawType().getName();
        StringBuilder keys = new StringBuilder();
        for (String k : dropped) {
            if (warned.add(cls + " " + k)) {
                keys.append(keys.length() == 0 ? "" : ", ").append(k);
            }
        }
        if (keys.length() > 0) {
            System.err.println("fstage: warning: event key(s) " + keys + " match no field of " + cls
                    + " and are dropped, as on the platform (Gson binds a key to the field of"
                    + " that name or its @SerializedName)");
            System.err.flush();
        }
    }
}
