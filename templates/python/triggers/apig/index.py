import base64
import json


def initializer(context):
    """Runs once when an instance starts (configured as index.initializer)."""
    context.getLogger().info("initialized %s" % context.getFunctionName())


def handler(event, context):
    """APIG trigger: decode the request and return the APIG response shape."""
    logger = context.getLogger()
    body = event.get("body") or ""
    if event.get("isBase64Encoded") and body:
        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except ValueError:  # not valid base64/UTF-8 after all: keep the body as sent
            pass
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {"text": body}
    headers = event.get("headers") or {}
    query = event.get("queryStringParameters") or {}
    logger.info("%s %s from %s" % (event.get("httpMethod"), event.get("path"), headers.get("x-real-ip", "?")))

    name = payload.get("name") if isinstance(payload, dict) else None
    result = {
        "message": "Hello, %s!" % (name or "world"),
        "method": event.get("httpMethod"),
        "path": event.get("path"),
        "query": query,
        "requestId": context.getRequestID(),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(result),
        "isBase64Encoded": False,
    }
