from urllib.parse import unquote_plus


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """OBS trigger: S3-style notifications in event["Records"]."""
    logger = context.getLogger()
    objects = []
    for record in event.get("Records") or []:
        s3 = record.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name")
        obj = s3.get("object") or {}
        key = unquote_plus(obj.get("key") or "")
        logger.info("%s: %s/%s (%s bytes)" % (record.get("eventName"), bucket, key, obj.get("size")))
        objects.append({"event": record.get("eventName"), "bucket": bucket, "key": key, "size": obj.get("size")})
    return {"objects": objects}
