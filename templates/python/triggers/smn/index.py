def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """SMN trigger: the notifications are in event["record"]."""
    logger = context.getLogger()
    handled = []
    for record in event.get("record") or []:
        smn = record.get("smn") or {}
        logger.info("SMN message %s on %s: %s" % (smn.get("message_id"), smn.get("topic_urn"), smn.get("subject")))
        handled.append({"subject": smn.get("subject"), "message": smn.get("message")})
    return {"handled": len(handled), "messages": handled}
