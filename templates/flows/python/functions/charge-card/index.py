class PaymentDeclined(Exception):
    """The card was refused: retrying will not help, the flow cancels the order."""


class PaymentUnavailable(Exception):
    """The payment provider did not answer: the flow retries (retries: payment)."""


# Orders above this are declined, so that the compensation path can be run for real.
LIMIT = 1000


def handler(event, context):
    order_id = event["order_id"]
    amount = event["amount"]
    if event.get("simulate") == "outage":
        raise PaymentUnavailable("the payment provider did not answer")
    if amount > LIMIT:
        raise PaymentDeclined("card declined for %s %s" % (amount, event["currency"]))
    return {
        "order_id": order_id,
        "charged": amount,
        "currency": event["currency"],
        "receipt": "rcpt-%s" % order_id,
    }
