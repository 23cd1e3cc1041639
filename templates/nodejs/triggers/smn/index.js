'use strict';

/** SMN trigger: the notifications are in event.record. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const messages = (event.record || []).map((record) => {
    const smn = record.smn || {};
    logger.info(`SMN message ${smn.message_id} on ${smn.topic_urn}: ${smn.subject}`);
    return { subject: smn.subject, message: smn.message };
  });
  return { handled: messages.length, messages };
};
