package {{java_package}};

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.smn.SMNBody;
import com.huawei.services.runtime.entity.smn.SMNRecord;
import com.huawei.services.runtime.entity.smn.SMNTriggerEvent;

/** SMN trigger: the notifications are in getRecord(). */
public class Handler {

    public Map<String, Object> handleRequest(SMNTriggerEvent event, Context context) {
        List<String> subjects = new ArrayList<String>();
        if (event.getRecord() != null) {
            for (SMNRecord record : event.getRecord()) {
                SMNBody smn = record.getSmn();
                if (smn == null) {
                    continue;
                }
                context.getLogger().info("SMN message " + smn.getMessageId() + " on " + smn.getTopicUrn()
                        + ": " + smn.getSubject() + " - " + smn.getMessage());
                subjects.add(smn.getSubject());
            }
        }
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("handled", subjects.size());
        result.put("subjects", subjects);
        return result;
    }
}
