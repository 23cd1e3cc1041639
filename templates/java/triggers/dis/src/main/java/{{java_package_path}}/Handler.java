package {{java_package}};

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.dis.DISRecord;
import com.huawei.services.runtime.entity.dis.DISTriggerEvent;

/** DIS trigger: records in getMessage().getRecords(), data base64-encoded. */
public class Handler {

    public List<String> handleRequest(DISTriggerEvent event, Context context) throws UnsupportedEncodingException {
        List<String> records = new ArrayList<String>();
        if (event.getMessage() != null && event.getMessage().getRecords() != null) {
            for (DISRecord record : event.getMessage().getRecords()) {
                String data = record.getRawData();
                context.getLogger().info("stream " + event.getStreamName() + " partition " + record.getPartitionKey()
                        + " seq " + record.getSequenceNumber() + ": " + data);
                records.add(data);
            }
        }
        return records;
    }
}
