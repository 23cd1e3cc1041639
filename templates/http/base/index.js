'use strict';

// HTTP function {{name}}: answers every request with what it received.
const http = require('http');

const HOST = '127.0.0.1';
const PORT = 8000; // the only port FunctionGraph forwards to

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const requestId = req.headers['x-cff-request-id'] || '';
    const body = Buffer.concat(chunks).toString('utf8');
    console.log(`${new Date().toISOString()} ${requestId} ${req.method} ${req.url} (${body.length} bytes)`);

    const url = new URL(req.url, `http://${req.headers.host || HOST}`);
    const reply = {
      message: `${process.env.GREETING || 'Hello'} from ${req.headers['x-cff-func-name'] || '{{name}}'}!`,
      requestId,
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
});

server.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${PORT}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
