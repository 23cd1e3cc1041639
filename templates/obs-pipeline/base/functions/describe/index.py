# Fired by the OBS trigger on the bucket "uploads" (ObjectCreated, *.png). The platform sends
# S3-style records whose object keys are URL-encoded; the result is what the function's success
# destination writes into the bucket "described".
import os.path
from urllib.parse import unquote_plus

# Thumbnails this pipeline would make, by longest edge in pixels.
SIZES = (128, 512)


def handler(event, context):
    logger = context.getLogger()
    described = []
    for record in event["Records"]:
        obj = record["s3"]["object"]
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(obj["key"])
        if obj["size"] == 0:
            # Raising fails the invocation: the platform retries it, then the failure destination.
            raise ValueError("%s/%s is empty" % (bucket, key))
        stem, ext = os.path.splitext(key)
        logger.info("describing %s/%s (%d bytes)" % (bucket, key, obj["size"]))
        described.append({
            "source": {"bucket": bucket, "key": key, "size": obj["size"], "etag": obj["eTag"]},
            "event": record["eventName"],
            "thumbnails": ["thumbnails/%s-%d%s" % (stem, size, ext) for size in SIZES],
        })
    return {"described": described}
