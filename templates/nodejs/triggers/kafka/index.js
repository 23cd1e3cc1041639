'use strict';

/** Kafka trigger: messages grouped by topic in event.records. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  let count = 0;
  for (const record of event.records || []) {
    for (const message of record.messages || []) {
      count += 1;
      logger.info(`topic ${record.topic_id}: ${message}`);
    }
  }
  return { instance: event.instance_id, type: event.trigger_type, messages: count };
};
