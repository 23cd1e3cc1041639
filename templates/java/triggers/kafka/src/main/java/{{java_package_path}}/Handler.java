package {{java_package}};

import java.util.LinkedHashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.dms.DMSRecord;
import com.huawei.services.runtime.entity.dms.DMSTriggerEvent;

/** Kafka (DMS) trigger: messages grouped by topic in getRecords(). */
public class Handler {

    public Map<String, Object> handleRequest(DMSTriggerEvent event, Context context) {
        int count = 0;
        if (event.getRecords() != null) {
            for (DMSRecord record : event.getRecords()) {
                if (record.getMessages() == null) {
                    continue;
                }
                for (String message : record.getMessages()) {
                    count++;
                    context.getLogger().info("topic " + record.getTopicId() + ": " + message);
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("instance", event.getInstanceId());
        result.put("type", event.getTriggerType());
        result.put("messages", count);
        return result;
    }
}
