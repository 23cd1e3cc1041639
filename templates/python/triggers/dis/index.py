import base64


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """DIS trigger: records in event["Message"]["records"], data base64-encoded."""
    logger = context.getLogger()
    message = event.get("Message") or {}
    records = []
    for record in message.get("records") or []:
        data = base64.b64decode(record.get("data") or "").decode("utf-8", errors="replace")
        logger.info("stream %s partition %s seq %s: %s" % (event.get("StreamName"), record.get("partition_key"), record.get("sequence_number"), data))
        records.append(data)
    return {"stream": event.get("StreamName"), "shard": event.get("ShardID"), "records": records}
