'use strict';

// HTTP function {{name}} behind an APIG trigger: a small JSON API on the trigger's path
// (fstage.yaml: path /{{name}}). API Gateway forwards the request's own path.
//   GET  /{{name}}  -> greeting (?name=...)
//   POST /{{name}}  -> returns the JSON body it received
//   anything else -> 404
// `node index.js` alone also answers GET / and POST /echo.
const http = require('http');

const HOST = '127.0.0.1';
const PORT = 8000; // the only port FunctionGraph forwards to
const ROUTE = '/{{name}}'; // the APIG trigger's path

function send(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const requestId = req.headers['x-cff-request-id'] || '';
    const url = new URL(req.url, `http://${req.headers.host || HOST}`);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const text = Buffer.concat(chunks).toString('utf8');
    console.log(`${new Date().toISOString()} ${requestId} ${req.method} ${url.pathname}`);

    if (req.method === 'GET' && (path === ROUTE || path === '/')) {
      const name = url.searchParams.get('name') || 'world';
      return send(res, 200, { message: `${process.env.GREETING || 'Hello'}, ${name}!`, requestId });
    }
    if (req.method === 'POST' && (path === ROUTE || path === '/echo')) {
      let payload;
      try {
        payload = text ? JSON.parse(text) : null;
      } catch (e) {
        return send(res, 400, { error: 'body is not JSON', requestId });
      }
      return send(res, 200, { received: payload, requestId });
    }
    return send(res, 404, { error: `no route for ${req.method} ${url.pathname}`, requestId });
  });
});

server.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${PORT}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
