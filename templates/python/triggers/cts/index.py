def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """CTS trigger: one audit record in event["cts"]."""
    logger = context.getLogger()
    cts = event.get("cts") or {}
    user = cts.get("user") or {}
    logger.info("%s %s on %s %s by %s: %s" % (cts.get("service_type"), cts.get("trace_name"), cts.get("resource_type"),
                                            cts.get("resource_name"), user.get("name"), cts.get("trace_status")))
    return {
        "operation": cts.get("trace_name"),
        "resource": cts.get("resource_name"),
        "user": user.get("name"),
        "status": cts.get("trace_status"),
    }
