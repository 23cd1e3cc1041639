package {{java_package}};

import java.io.UnsupportedEncodingException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.lts.LTSTriggerEvent;

/**
 * LTS trigger: getLts().getRawData() is the decoded JSON document
 * {"logs": "[...]", "owner", "log_group_id", "log_topic_id"}; parse it with the JSON library
 * of your choice (add it to lib/).
 */
public class Handler {

    public Map<String, Object> handleRequest(LTSTriggerEvent event, Context context) throws UnsupportedEncodingException {
        String data = event.getLts().getRawData();
        context.getLogger().info("LTS data: " + data);
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("bytes", data.length());
        result.put("data", data);
        return result;
    }
}
