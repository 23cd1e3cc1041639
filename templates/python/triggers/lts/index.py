import base64
import json


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """LTS trigger: event["lts"]["data"] is base64 of JSON whose "logs" holds the log lines."""
    logger = context.getLogger()
    data = json.loads(base64.b64decode(event["lts"]["data"]).decode("utf-8"))
    logs = data.get("logs") or []
    if isinstance(logs, str):  # the log lines arrive as a JSON string
        logs = json.loads(logs)
    for line in logs:
        logger.info("%s %s:%s %s" % (line.get("host_name"), line.get("path"), line.get("line_no"), line.get("message")))
    return {"logGroup": data.get("log_group_id"), "logTopic": data.get("log_topic_id"), "lines": len(logs)}
