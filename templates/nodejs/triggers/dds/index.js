'use strict';

// token, full_document and ns are strings holding JSON (older payloads: objects).
function parse(value) {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch (e) {
    return value;
  }
}

/** DDS trigger: change events in event.records. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const changes = (event.records || []).map((record) => {
    const dds = record.dds || {};
    const ns = parse(dds.ns) || {};
    logger.info(`${record.event_name} on ${ns.db}.${ns.coll}`);
    return { operation: record.event_name, db: ns.db, collection: ns.coll, document: parse(dds.full_document) };
  });
  return { changes };
};
