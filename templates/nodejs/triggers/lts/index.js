'use strict';

/** LTS trigger: event.lts.data is base64 of JSON whose "logs" holds the log lines. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const data = JSON.parse(Buffer.from(event.lts.data, 'base64').toString('utf8'));
  let logs = data.logs || [];
  if (typeof logs === 'string') {
    logs = JSON.parse(logs); // the log lines arrive as a JSON string
  }
  for (const line of logs) {
    logger.info(`${line.host_name} ${line.path}:${line.line_no} ${line.message}`);
  }
  return { logGroup: data.log_group_id, logTopic: data.log_topic_id, lines: logs.length };
};
