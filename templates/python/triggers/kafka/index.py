def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """Kafka trigger: messages grouped by topic in event["records"]."""
    logger = context.getLogger()
    count = 0
    for record in event.get("records") or []:
        for message in record.get("messages") or []:
            count += 1
            logger.info("topic %s: %s" % (record.get("topic_id"), message))
    return {"instance": event.get("instance_id"), "type": event.get("trigger_type"), "messages": count}
