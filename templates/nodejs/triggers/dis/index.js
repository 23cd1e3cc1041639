'use strict';

/** DIS trigger: records in event.Message.records, data base64-encoded. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const message = event.Message || {};
  const records = (message.records || []).map((record) => {
    const data = Buffer.from(record.data || '', 'base64').toString('utf8');
    logger.info(`stream ${event.StreamName} partition ${record.partition_key} seq ${record.sequence_number}: ${data}`);
    return data;
  });
  return { stream: event.StreamName, shard: event.ShardID, records };
};
