package {{java_package}};

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;

import com.huawei.services.runtime.Context;
import com.huawei.services.runtime.entity.obs.OBSObject;
import com.huawei.services.runtime.entity.obs.OBSRecord;
import com.huawei.services.runtime.entity.obs.OBSTriggerEvent;

/** OBS trigger: S3-style notifications in getRecords(). */
public class Handler {

    public List<String> handleRequest(OBSTriggerEvent event, Context context) throws UnsupportedEncodingException {
        List<String> objects = new ArrayList<String>();
        if (event.getRecords() != null) {
            for (OBSRecord record : event.getRecords()) {
                String bucket = record.getS3().getBucket().getName();
                OBSObject object = record.getS3().getObject();
                String entry = bucket + "/" + object.getDecodedKey();
                context.getLogger().info(record.getEventName() + ": " + entry + " (" + object.getSize() + " bytes)");
                objects.add(entry);
            }
        }
        return objects;
    }
}
