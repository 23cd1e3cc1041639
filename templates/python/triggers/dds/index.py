import json


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def _parse(value):
    # token, full_document and ns are strings holding JSON (older payloads: objects).
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def handler(event, context):
    """DDS trigger: change events in event["records"]."""
    logger = context.getLogger()
    changes = []
    for record in event.get("records") or []:
        dds = record.get("dds") or {}
        ns = _parse(dds.get("ns")) or {}
        doc = _parse(dds.get("full_document"))
        logger.info("%s on %s.%s" % (record.get("event_name"), ns.get("db"), ns.get("coll")))
        changes.append({"operation": record.get("event_name"), "db": ns.get("db"), "collection": ns.get("coll"), "document": doc})
    return {"changes": changes}
