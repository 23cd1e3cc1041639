package {{java_package}};

import java.util.LinkedHashMap;
import java.util.Map;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.timer.TimerTriggerEvent;

/** Timer trigger: {version, time, trigger_type, trigger_name, user_event}. */
public class Handler {

    public Map<String, Object> handleRequest(TimerTriggerEvent event, Context context) {
        context.getLogger().info("timer " + event.getTriggerName() + " fired at " + event.getTime()
                + ", user event: " + event.getUserEvent());
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("trigger", event.getTriggerName());
        result.put("firedAt", event.getTime());
        result.put("userEvent", event.getUserEvent());
        return result;
    }
}
