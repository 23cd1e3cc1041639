package {{java_package}};

import java.util.LinkedHashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.RuntimeLogger;

/**
 * FunctionGraph handler {@code {{java_package}}.Handler.handleRequest}: the JSON event is
 * deserialised into the first parameter, the return value is serialised to JSON.
 */
public class Handler {

    /** The event: its JSON fields map to these fields. */
    public static class HelloEvent {
        public String name;
    }

    public Map<String, Object> handleRequest(HelloEvent event, Context context) {
        RuntimeLogger logger = context.getLogger();
        String name = event != null && event.name != null && !event.name.isEmpty() ? event.name : "world";
        String greeting = context.getUserData("GREETING");
        if (greeting == null || greeting.isEmpty()) {
            greeting = "Hello";
        }
        logger.info("request " + context.getRequestID() + ": greeting " + name);

        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("message", greeting + ", " + name + "!");
        result.put("function", context.getFunctionName());
        result.put("requestId", context.getRequestID());
        result.put("remainingMs", context.getRemainingTimeInMilliSeconds());
        return result;
    }
}
