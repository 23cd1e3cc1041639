// SPDX-License-Identifier: Apache-2.0
package fstage.runtime;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fstage's Java runtime shim: loads the handler class once (from the classes and jars in
 * RUNTIME_CODE_ROOT), runs the initializer once, then loops on the FunctionGraph runtime API
 * (GET .../invocation/request, POST .../response/{id} or .../error/{id}) that the supervisor
 * serves on RUNTIME_API_ADDR. The handler contract is the platform's:
 * {@code public R method(T event, Context context)}, T and R mapped from and to JSON with Gson
 * (Handler, Events).
 */
public final class Bootstrap {
    private static JsonObject userData = new JsonObject();

    private Bootstrap() {
    }

    static JsonObject userData() {
        return userData;
    }

    public static void main(String[] args) throws Exception {
        String api = "http://" + System.getenv("RUNTIME_API_ADDR") + "/v1/runtime";
        try {
            JsonElement ud = JsonParser.parseString(env("RUNTIME_USERDATA", "{}"));
            if (ud.isJsonObject()) {
                userData = ud.getAsJsonObject();
            }
        } catch (RuntimeException ignored) {
            // malformed user data: no values
        }
        Handler handler;
        try {
            ClassLoader loader = codeLoader(env("RUNTIME_CODE_ROOT", "/opt/function/code"));
            Thread.currentThread().setContextClassLoader(loader);
            handler = Handler.load(env("RUNTIME_HANDLER", ""), loader);
            String init = System.getenv("RUNTIME_INITIALIZER_HANDLER");
            if (init != null && !init.isEmpty()) {
                Handler initializer = Handler.load(init, loader);
                // initializer_timeout counts from here. The initializer runs as a request of its
                // own, with its own id in the log lines: the one fstage answers with, which
                // fstage's log tags its output with too.
                String initId = initRequestId(post(api + "/init/start", new byte[0]));
                long deadline = System.currentTimeMillis()
                        + 1000L * Integer.parseInt(env("RUNTIME_INITIALIZER_TIMEOUT", "3"));
                initializer.initialize(new FstageContext(initId, deadline, new HashMap<>()));
            }
        } catch (Throwable t) {
            flush();
            post(api + "/init/error", errorBody(unwrap(t)).getBytes(StandardCharsets.UTF_8));
            System.exit(1);
            return;
        }
        while (true) {
            HttpURLConnection c = (HttpURLConnection) new URL(api + "/invocation/request").openConnection();
            c.setReadTimeout(0);
            byte[] event = readAll(c.getInputStream());
            Map<String, String> headers = new HashMap<>();
            for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
                if (h.getKey() != null && !h.getValue().isEmpty()) {
                    headers.put(h.getKey().toLowerCase(), h.getValue().get(0));
                }
            }
            String id = headers.getOrDefault("x-cff-request-id", "");
            long deadline = Long.parseLong(headers.getOrDefault("x-cff-deadline-ms", "0"));
            byte[] result;
            String kind = "response";
            try {
                result = handler.invoke(new String(event, StandardCharsets.UTF_8),
                        new FstageContext(id, deadline, headers));
            } catch (Throwable t) {
                result = errorBody(unwrap(t)).getBytes(StandardCharsets.UTF_8);
                kind = "error";
            }
            flush();
            post(api + "/invocation/" + kind + "/" + id, result);
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null ? dflt : v;
    }

    private static void flush() {
        System.out.flush();
        System.err.flush();
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof InvocationTargetException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String errorBody(Throwable t) {
        List<String> stack = new ArrayList<>();
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("fstage.runtime.") || e.getClassName().startsWith("java.")
                    || e.getClassName().startsWith("jdk.") || e.getClassName().startsWith("sun.")) {
                continue;
            }
            stack.add(e.toString());
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("errorMessage", t.getMessage() == null ? t.toString() : t.getMessage());
        body.put("errorType", t.getClass().getName());
        body.put("stackTrace", stack);
        return Events.GSON.toJson(body);
    }

    private static byte[] readAll(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        in.close();
        return out.toByteArray();
    }

    private static byte[] post(String url, byte[] data) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(data.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(data);
        }
        return readAll(c.getInputStream());
    }

    /** init/start's answer {"status","request_id"}; a fresh id when it has none. */
    private static String initRequestId(byte[] answer) {
        try {
            JsonElement j = JsonParser.parseString(new String(answer, StandardCharsets.UTF_8));
            if (j.isJsonObject() && j.getAsJsonObject().has("request_id")) {
                String id = j.getAsJsonObject().get("request_id").getAsString();
                if (!id.isEmpty()) {
                    return id;
                }
            }
        } catch (RuntimeException ignored) {
            // not fstage's answer: an id of its own
        }
        return java.util.UUID.randomUUID().toString();
    }

    /** The code directory's classes and jars: the root, build/classes, target/classes, lib/. */
    private static ClassLoader codeLoader(String root) throws java.io.IOException {
        List<URL> urls = new ArrayList<>();
        for (String dir : new String[] {"", "build/classes", "target/classes", "classes"}) {
            File d = new File(root, dir);
            if (d.isDirectory()) {
                urls.add(d.toURI().toURL());
            }
        }
        for (String dir : new String[] {"", "lib", "target", "build/libs"}) {
            File[] jars = new File(root, dir).listFiles((f, n) -> n.endsWith(".jar"));
            if (jars != null) {
                java.util.Arrays.sort(jars);
                for (File j : jars) {
                    urls.add(j.toURI().toURL());
                }
            }
        }
        return new URLClassLoader(urls.toArray(new URL[0]), Bootstrap.class.getClassLoader());
    }
}
