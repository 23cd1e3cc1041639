// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A handler string "package.Class.method" resolved to a method and its instance. The platform
 * calls {@code public R method(T event, Context context)} (and an initializer
 * {@code public void method(Context context)}), where Context is the platform's interface
 * under either name its published Java runtimes use: Huawei Cloud's
 * com.huawei.services.runtime.Context or Open Telekom Cloud's
 * com.opentelekomcloud.services.runtime.Context (opentelekomcloud-functiongraph-java-core).
 */
final class Handler {
    static final String CONTEXT_TYPES =
            "com.huawei.services.runtime.Context or com.opentelekomcloud.services.runtime.Context";

    private final Object target;
    private final Method method;

    private Handler(Object target, Method method) {
        this.target = target;
        this.method = method;
    }

    /** Whether this parameter is one of the platform's context types. */
    static boolean takesContext(Class<?> parameter) {
        return parameter == com.huawei.services.runtime.Context.class
                || parameter == com.opentelekomcloud.services.runtime.Context.class;
    }

    static Handler load(String spec, ClassLoader loader) throws Exception {
        int dot = spec.lastIndexOf('.');
        if (dot <= 0 || dot == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "handler '" + spec + "' is not of the form package.Class.method");
        }
        Class<?> cls = Class.forName(spec.substring(0, dot), true, loader);
        String name = spec.substring(dot + 1);
        Method found = null;
        List<String> seen = new ArrayList<>();
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(name)) {
                continue;
            }
            seen.add(signature(m));
            Class<?>[] p = m.getParameterTypes();
            boolean fits = (p.length == 1 || p.length == 2) && takesContext(p[p.length - 1]);
            // (event, Context) over (Context) when both exist.
            if (fits && (found == null || p.length > found.getParameterCount())) {
                found = m;
            }
        }
        if (found == null) {
            String expected = "; the platform calls public R " + name + "(T event, Context context) "
                    + "or, for an initializer, public void " + name + "(Context context), "
                    + "where Context is " + CONTEXT_TYPES;
            if (seen.isEmpty()) {
                throw new NoSuchMethodException(
                        "class " + cls.getName() + " has no public method " + name + expected);
            }
            throw new NoSuchMethodException("handler " + String.join(", ", seen)
                    + " does not take the context as its last parameter" + expected);
        }
        found.setAccessible(true);
        Object target = null;
        if (!Modifier.isStatic(found.getModifiers())) {
            java.lang.reflect.Constructor<?> ctor = cls.getDeclaredConstructor();
            ctor.setAccessible(true);
            target = ctor.newInstance();
        }
        return new Handler(target, found);
    }

    private static String signature(Method m) {
        StringBuilder b = new StringBuilder(m.getDeclaringClass().getName())
                .append('.').append(m.getName()).append('(');
        Class<?>[] p = m.getParameterTypes();
        for (int k = 0; k < p.length; k++) {
            b.append(k == 0 ? "" : ", ").append(p[k].getTypeName());
        }
        return b.append(')').toString();
    }

    void initialize(FstageContext ctx) throws Exception {
        method.invoke(target, ctx);
    }

    /** Runs one invocation: the event bound to the first parameter, the result as bytes. */
    byte[] invoke(String event, FstageContext ctx) throws Exception {
        Object result;
        if (method.getParameterCount() == 1) {
            result = method.invoke(target, ctx);
        } else {
            Object arg = Events.bind(event, method.getGenericParameterTypes()[0]);
            result = method.invoke(target, arg, ctx);
        }
        return Events.result(result);
    }
}
