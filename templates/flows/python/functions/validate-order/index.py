class InvalidOrder(Exception):
    """Raised for an order that cannot be charged; the flow's errorType is the class name."""


def handler(event, context):
    """Checks the order the flow started with and passes on what charging needs."""
    order_id = event.get("order_id")
    amount = event.get("amount")
    if not order_id:
        raise InvalidOrder("the order has no order_id")
    if not isinstance(amount, (int, float)) or amount <= 0:
        raise InvalidOrder("order %s: amount must be a positive number" % order_id)
    context.getLogger().info("order %s is valid (state %s of run %s)" % (
        order_id, context.getWorkflowStateID(), context.getWorkflowRunID()))
    return {"order_id": order_id, "amount": amount, "currency": event.get("currency", "EUR")}
