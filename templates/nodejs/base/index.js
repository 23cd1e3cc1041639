'use strict';

/**
 * FunctionGraph handler. The event is the parsed JSON payload; the returned value is the
 * result (objects are sent as JSON). Throwing makes the invocation fail.
 */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  let input = event;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch (e) {
      input = { name: input };
    }
  }
  const name = (input && input.name) || 'world';
  const greeting = context.getUserData('GREETING') || 'Hello';
  logger.info(`request ${context.getRequestID()}: greeting ${name}`);
  return {
    message: `${greeting}, ${name}!`,
    function: context.getFunctionName(),
    requestId: context.getRequestID(),
    remainingMs: context.getRemainingTimeInMilliSeconds(),
  };
};
