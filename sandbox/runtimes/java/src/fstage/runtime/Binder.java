// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns parsed JSON into the handler's parameter type: POJOs by field name, as the platform. */
final class Binder {
    private Binder() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object bind(Object json, Type type) throws ReflectiveOperationException {
        Class<?> raw = rawClass(type);
        if (json == null) {
            return raw.isPrimitive() ? defaultOf(raw) : null;
        }
        if (raw == Object.class || raw.isInstance(json) && !(json instanceof Map) && !(json instanceof List)) {
            return json;
        }
        if (raw == String.class) {
            return json instanceof String ? json : Json.write(json);
        }
        if (raw == int.class || raw == Integer.class) {
            return ((Number) json).intValue();
        }
        if (raw == long.class || raw == Long.class) {
            return ((Number) json).longValue();
        }
        if (raw == double.class || raw == Double.class) {
            return ((Number) json).doubleValue();
        }
        if (raw == float.class || raw == Float.class) {
            return ((Number) json).floatValue();
        }
        if (raw == short.class || raw == Short.class) {
            return ((Number) json).shortValue();
        }
        if (raw == byte.class || raw == Byte.class) {
            return ((Number) json).byteValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return json;
        }
        if (raw.isEnum()) {
            return Enum.valueOf((Class) raw, json.toString());
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type valueType = typeArg(type, 1);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) json).entrySet()) {
                out.put(e.getKey(), bind(e.getValue(), valueType));
            }
            return out;
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type elem = typeArg(type, 0);
            List<Object> out = new ArrayList<>();
            for (Object o : (List<Object>) json) {
                out.add(bind(o, elem));
            }
            return out;
        }
        if (raw.isArray()) {
            List<Object> in = (List<Object>) json;
            Object arr = Array.newInstance(raw.getComponentType(), in.size());
            for (int k = 0; k < in.size(); k++) {
                Array.set(arr, k, bind(in.get(k), raw.getComponentType()));
            }
            return arr;
        }
        Constructor<?> ctor = raw.getDeclaredConstructor();
        ctor.setAccessible(true);
        Object obj = ctor.newInstance();
        Map<String, Object> fields = (Map<String, Object>) json;
        for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || !fields.containsKey(f.getName())) {
                    continue;
                }
                f.setAccessible(true);
                f.set(obj, bind(fields.get(f.getName()), f.getGenericType()));
            }
        }
        return obj;
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class) {
            return (Class<?>) t;
        }
        if (t instanceof ParameterizedType) {
            return (Class<?>) ((ParameterizedType) t).getRawType();
        }
        return Object.class;
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

    private static Object defaultOf(Class<?> c) {
        if (c == boolean.class) {
            return false;
        }
        if (c == char.class) {
            return '\0';
        }
        return Array.get(Array.newInstance(c, 1), 0);
    }
}
