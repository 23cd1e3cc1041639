package {{java_package}};

import java.util.ArrayList;
import java.util.List;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.dds.DDSBody;
import com.huawei.services.runtime.entity.dds.DDSRecord;
import com.huawei.services.runtime.entity.dds.DDSTriggerEvent;

/** DDS trigger: change events in getRecords(); ns and full_document are JSON strings. */
public class Handler {

    public List<String> handleRequest(DDSTriggerEvent event, Context context) {
        List<String> changes = new ArrayList<String>();
        if (event.getRecords() != null) {
            for (DDSRecord record : event.getRecords()) {
                DDSBody dds = record.getDds();
                String change = record.getEventName() + " on " + dds.getNs() + ": " + dds.getFullDocument();
                context.getLogger().info(change);
                changes.add(change);
            }
        }
        return changes;
    }
}
