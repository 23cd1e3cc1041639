'use strict';

/** APIG trigger: decode the request and return the APIG response shape. */
exports.handler = async (event, context) => {
  const logger = context.getLogger();
  let body = event.body || '';
  if (event.isBase64Encoded && body) {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  let payload = {};
  if (body) {
    try {
      payload = JSON.parse(body);
    } catch (e) {
      payload = { text: body };
    }
  }
  const headers = event.headers || {};
  logger.info(`${event.httpMethod} ${event.path} from ${headers['x-real-ip'] || '?'}`);

  const result = {
    message: `Hello, ${(payload && payload.name) || 'world'}!`,
    method: event.httpMethod,
    path: event.path,
    query: event.queryStringParameters || {},
    requestId: context.getRequestID(),
  };
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(result),
    isBase64Encoded: false,
  };
};
