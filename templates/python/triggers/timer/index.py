import json


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """Timer trigger: {version, time, trigger_type, trigger_name, user_event}."""
    logger = context.getLogger()
    user_event = event.get("user_event") or ""
    try:
        details = json.loads(user_event) if user_event else None
    except ValueError:
        details = user_event  # plain-text additional information
    logger.info("timer %s fired at %s" % (event.get("trigger_name"), event.get("time")))
    return {
        "trigger": event.get("trigger_name"),
        "firedAt": event.get("time"),
        "userEvent": details,
    }
