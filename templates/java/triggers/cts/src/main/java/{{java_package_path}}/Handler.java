package {{java_package}};

import java.util.LinkedHashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.cts.CTS;
import com.huawei.services.runtime.entity.cts.CTSTriggerEvent;

/** CTS trigger: one audit record in getCts(). */
public class Handler {

    public Map<String, Object> handleRequest(CTSTriggerEvent event, Context context) {
        CTS cts = event.getCts();
        String user = cts.getUser() != null ? cts.getUser().getName() : null;
        context.getLogger().info(cts.getServiceType() + " " + cts.getTraceName() + " on " + cts.getResourceType() + " "
                + cts.getResourceName() + " by " + user + ": " + cts.getTraceStatus());
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("operation", cts.getTraceName());
        result.put("resource", cts.getResourceName());
        result.put("user", user);
        result.put("status", cts.getTraceStatus());
        return result;
    }
}
