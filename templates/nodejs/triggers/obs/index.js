'use strict';

/** OBS trigger: S3-style notifications in event.Records. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const objects = (event.Records || []).map((record) => {
    const s3 = record.s3 || {};
    const bucket = (s3.bucket || {}).name;
    const obj = s3.object || {};
    const key = decodeURIComponent(String(obj.key || '').replace(/\+/g, ' '));
    logger.info(`${record.eventName}: ${bucket}/${key} (${obj.size} bytes)`);
    return { event: record.eventName, bucket, key, size: obj.size };
  });
  return { objects };
};
