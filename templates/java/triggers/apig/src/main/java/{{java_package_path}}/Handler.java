package {{java_package}};

import java.io.UnsupportedEncodingException;
import java.util.HashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.apig.APIGTriggerEvent;
import com.huawei.services.runtime.entity.apig.APIGTriggerResponse;

/** APIG trigger: decode the request and return the APIG response shape. */
public class Handler {

    public APIGTriggerResponse handleRequest(APIGTriggerEvent event, Context context)
            throws UnsupportedEncodingException {
        String body = event.getRawBody(); // base64-decoded when isBase64Encoded is true
        Map<String, String> headers = event.getHeaders() != null ? event.getHeaders() : new HashMap<String, String>();
        context.getLogger().info(event.getHttpMethod() + " " + event.getPath() + " from "
                + headers.get("x-real-ip") + ", body: " + body);

        StringBuilder json = new StringBuilder("{");
        json.append("\"message\":").append(quote("Hello from " + context.getFunctionName())).append(',');
        json.append("\"method\":").append(quote(event.getHttpMethod())).append(',');
        json.append("\"path\":").append(quote(event.getPath())).append(',');
        json.append("\"query\":").append(object(event.getQueryStringParameters())).append(',');
        json.append("\"receivedBody\":").append(quote(body)).append(',');
        json.append("\"requestId\":").append(quote(context.getRequestID()));
        json.append('}');

        Map<String, String> responseHeaders = new HashMap<String, String>();
        responseHeaders.put("Content-Type", "application/json");
        return new APIGTriggerResponse(200, responseHeaders, json.toString());
    }

    private static String object(Map<String, String> values) {
        StringBuilder sb = new StringBuilder("{");
        if (values != null) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            }
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
