# Fired by the OBS trigger on the bucket "described": one record written by describe's success
# destination. Its success destination files the entry in the bucket "catalog".
from urllib.parse import unquote_plus


def handler(event, context):
    logger = context.getLogger()
    entries = []
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])
        logger.info("cataloguing %s (%d bytes)" % (key, record["s3"]["object"]["size"]))
        entries.append({"record": key, "at": record["eventTime"]})
    return {"catalogued": entries}
