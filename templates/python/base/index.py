import json

# Set once per instance by the initializer and reused by every invocation.
settings = {}


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    settings["greeting"] = context.getUserData("GREETING") or "Hello"
    context.getLogger().info("initialized %s (version %s)" % (context.getFunctionName(), context.getVersion()))


def handler(event, context):
    logger = context.getLogger()
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except ValueError:
            event = {"name": event}
    name = "world"
    if isinstance(event, dict) and event.get("name"):
        name = str(event["name"])
    greeting = settings.get("greeting") or context.getUserData("GREETING") or "Hello"
    logger.info("request %s: greeting %s" % (context.getRequestID(), name))
    return {
        "message": "%s, %s!" % (greeting, name),
        "function": context.getFunctionName(),
        "requestId": context.getRequestID(),
        "remainingMs": context.getRemainingTimeInMilliSeconds(),
    }
