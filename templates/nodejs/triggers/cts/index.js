'use strict';

/** CTS trigger: one audit record in event.cts. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  const cts = event.cts || {};
  const user = cts.user || {};
  logger.info(`${cts.service_type} ${cts.trace_name} on ${cts.resource_type} ${cts.resource_name} by ${user.name}: ${cts.trace_status}`);
  return { operation: cts.trace_name, resource: cts.resource_name, user: user.name, status: cts.trace_status };
};
