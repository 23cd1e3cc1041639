// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of a JSON event that Gson's reflective binding into a type leaves unused, as paths
 * ("address.zip", "items[].sku"). Follows Gson's rules: a field takes its name or its
 * {@code @SerializedName} value and alternates; static and transient fields take nothing;
 * maps, collections and arrays are walked into; JsonElement, java.* and classes with their
 * own {@code @JsonAdapter} are taken whole.
 */
final class DroppedKeys {
    private DroppedKeys() {
    }

    static List<String> of(JsonElement tree, Type type) {
        List<String> out = new ArrayList<>();
        walk(tree, type, "", out, 0);
        return out;
    }

    private static void walk(JsonElement e, Type type, String path, List<String> out, int depth) {
        if (depth > 64 || e == null || e.isJsonNull() || e.isJsonPrimitive()) {
            return;
        }
        Class<?> raw = TypeToken.get(type).getRawType();
        if (e.isJsonArray()) {
            Type elem = elementType(type, raw);
            if (elem != null) {
                for (JsonElement item : (JsonArray) e) {
                    walk(item, elem, path + "[]", out, depth + 1);
                }
            }
            return;
        }
        JsonObject obj = e.getAsJsonObject();
        if (Map.class.isAssignableFrom(raw)) {
            Type value = typeArg(type, 1);
            for (Map.Entry<String, JsonElement> m : obj.entrySet()) {
                walk(m.getValue(), value, join(path, m.getKey()), out, depth + 1);
            }
            return;
        }
        if (!isBean(raw)) {
            return;
        }
        Map<String, Type> fields = fieldsByKey(raw);
        for (Map.Entry<String, JsonElement> m : obj.entrySet()) {
            Type ft = fields.get(m.getKey());
            if (ft == null) {
                out.add(join(path, m.getKey()));
            } else {
                walk(m.getValue(), ft, join(path, m.getKey()), out, depth + 1);
            }
        }
    }

    private static boolean isBean(Class<?> raw) {
        String n = raw.getName();
        return !raw.isPrimitive() && !raw.isArray() && !raw.isInterface() && !raw.isEnum()
                && !n.startsWith("java.") && !n.startsWith("javax.") && !n.startsWith("com.google.gson.")
                && raw.getAnnotation(JsonAdapter.class) == null;
    }

    /** Every JSON key Gson binds to a field of raw (or its superclasses), with its type. */
    private static Map<String, Type> fieldsByKey(Class<?> raw) {
        Map<String, Type> keys = new HashMap<>();
        for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
                    continue;
                }
                Type t = f.getGenericType();
                SerializedName sn = f.getAnnotation(SerializedName.class);
                if (sn == null) {
                    keys.putIfAbsent(f.getName(), t);
                    continue;
                }
                keys.putIfAbsent(sn.value(), t);
                for (String alt : sn.alternate()) {
                    keys.putIfAbsent(alt, t);
                }
            }
        }
        return keys;
    }

    private static Type elementType(Type type, Class<?> raw) {
        if (raw.isArray()) {
            return type instanceof GenericArrayType ? ((GenericArrayType) type).getGenericComponentType()
                                                    : raw.getComponentType();
        }
        return Collection.class.isAssignableFrom(raw) ? typeArg(type, 0) : null;
    }

    private static Type typeArg(Type t, int k) {
        if (t instanceof ParameterizedType) {
            Type[] args = ((ParameterizedType) t).getActualTypeArguments();
            if (k < args.length) {
                return args[k];
            }
        }
        return Object.class;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
