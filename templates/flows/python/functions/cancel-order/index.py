def handler(event, context):
    """The compensation: releases an order whose payment failed."""
    order_id = event.get("order_id")
    context.getLogger().info("cancelling order %s" % order_id)
    return {"order_id": order_id, "status": "cancelled"}
