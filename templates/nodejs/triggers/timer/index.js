'use strict';

/** Timer trigger: {version, time, trigger_type, trigger_name, user_event}. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  let details = event.user_event || null;
  if (details) {
    try {
      details = JSON.parse(details);
    } catch (e) {
      // plain-text additional information
    }
  }
  logger.info(`timer ${event.trigger_name} fired at ${event.time}`);
  return { trigger: event.trigger_name, firedAt: event.time, userEvent: details };
};
