// SPDX-License-Identifier: Apache-2.0
// fstage's Node.js runtime shim: loads the function once, runs the initializer once, then
// serves invocations from the supervisor over fd 3. Same channel protocol as the Python shim:
// a line of JSON, then exactly "len" bytes of body, in both directions.
'use strict';

const net = require('net');
const path = require('path');
const fs = require('fs');

const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const userData = (() => {
  try {
    const d = JSON.parse(process.env.RUNTIME_USERDATA || '{}');
    return d && typeof d === 'object' ? d : {};
  } catch (e) {
    return {};
  }
})();
const envInt = (name, dflt) => {
  const v = parseInt(process.env[name], 10);
  return Number.isNaN(v) ? dflt : v;
};
let state = null;

function send(type, body) {
  const payload = body === undefined ? Buffer.alloc(0) : body;
  channel.write(Buffer.concat([Buffer.from(JSON.stringify({ type, len: payload.length }) + '\n'),
    payload]));
}

function errorBody(err) {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err));
  const stack = (e.stack || '').split('\n').slice(1).map((l) => l.trim())
    .filter((l) => l && !l.includes('runtime/nodejs/bootstrap.js'));
  return Buffer.from(JSON.stringify({
    errorMessage: e.message,
    errorType: (err instanceof Error && (err.name !== 'Error' ? err.name : err.constructor.name)) || 'Error',
    stackTrace: stack,
  }));
}

const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

// context.getLogger(): lines "<UTC time> <request id> <message>" on stdout.
class RuntimeLogger {
  constructor(requestId) {
    this.requestId = requestId;
    this.level = 20;
  }

  setLevel(level) {
    const l = LEVELS[String(level).toUpperCase()];
    if (l) this.level = l;
  }

  emit(level, args) {
    if (level < this.level) return;
    const text = require('util').format(...args);
    process.stdout.write(`${new Date().toISOString()} ${this.requestId} ${text}\n`);
  }

  log(...a) { this.emit(20, a); }
  debug(...a) { this.emit(10, a); }
  info(...a) { this.emit(20, a); }
  warn(...a) { this.emit(30, a); }
  error(...a) { this.emit(40, a); }
}

// The FunctionGraph Context API (PLATFORM.md §1.8).
class Context {
  constructor(requestId, deadlineMs, headers, timeoutS) {
    this.requestId = requestId;
    this.deadlineMs = deadlineMs;
    this.headers = {};
    for (const [k, v] of Object.entries(headers || {})) this.headers[k.toLowerCase()] = v;
    this.timeoutS = timeoutS;
    this.logger = new RuntimeLogger(requestId);
  }

  header(name) { return this.headers[name.toLowerCase()] || ''; }
  getRequestID() { return this.requestId; }
  getRemainingTimeInMilliSeconds() { return Math.max(0, this.deadlineMs - Date.now()); }
  getAccessKey() { return this.header('X-CFF-Access-Key'); }
  getSecretKey() { return this.header('X-CFF-Secret-Key'); }
  getSecurityAccessKey() { return this.header('X-CFF-Security-Access-Key'); }
  getSecuritySecretKey() { return this.header('X-CFF-Security-Secret-Key'); }
  getSecurityToken() { return this.header('X-CFF-Security-Token'); }
  getToken() { return this.header('X-CFF-Auth-Token'); }
  getUserData(key, dflt) { return key in userData ? userData[key] : dflt; }
  getFunctionName() { return process.env.RUNTIME_FUNC_NAME || ''; }
  getVersion() { return process.env.RUNTIME_FUNC_VERSION || 'latest'; }
  getPackage() { return process.env.RUNTIME_PACKAGE || 'default'; }
  getProjectID() { return process.env.RUNTIME_PROJECT_ID || ''; }
  getAlias() { return this.header('X-Cff-Origin-Version-Tag') || process.env.RUNTIME_ALIAS || ''; }
  getRunningTimeInSeconds() { return this.timeoutS; }
  getMemorySize() { return envInt('RUNTIME_MEMORY', 128); }
  getCPUNumber() { return envInt('RUNTIME_CPU', 300); }
  getLogger() { return this.logger; }
  getInvokeProperty() { return this.header('X-Cff-Invoke-Property'); }
  getTraceID() { return this.header('X-Cff-Trace-Id') || this.requestId; }
  getInvokeID() { return this.requestId; }
  getInstanceID() { return process.env.FSTAGE_INSTANCE_ID || ''; }
  getState() { return state; }
  setState(s) { state = s; }
  getWorkflowID() { return this.header('X-Cff-Workflow-Id'); }
  getWorkflowRunID() { return this.header('X-Cff-Workflow-Run-Id'); }
  getWorkflowStateID() { return this.header('X-Cff-Workflow-State-Id'); }
}

// 'src/index.handler' -> exports.handler of $RUNTIME_CODE_ROOT/src/index.js (or .mjs).
async function load(spec, codeRoot) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) {
    throw new Error(`handler '${spec}' is not of the form file.function`);
  }
  const file = path.join(codeRoot, spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  let mod;
  if (!fs.existsSync(`${file}.js`) && fs.existsSync(`${file}.mjs`)) {
    mod = await import(`${file}.mjs`);
  } else {
    mod = require(file);
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    throw new Error(`module '${spec.slice(0, dot)}' has no function '${name}'`);
  }
  return fn;
}

// Handlers may return a value or a promise (async), or call the callback (Node.js 6.10 style).
function call(fn, args) {
  return new Promise((resolve, reject) => {
    let done = false;
    const cb = (err, data) => {
      if (done) return;
      done = true;
      if (err !== null && err !== undefined) reject(err); else resolve(data);
    };
    let r;
    try {
      r = fn(...args, cb);
    } catch (e) {
      cb(e);
      return;
    }
    if (r && typeof r.then === 'function') {
      r.then((d) => cb(null, d), (e) => cb(e === undefined || e === null ? new Error('rejected') : e));
    } else if (fn.length <= args.length) {
      cb(null, r);
    }
  });
}

function serialise(v) {
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v);
  return Buffer.from(JSON.stringify(v));
}

let handler = null;
let busy = false;
let inbox = Buffer.alloc(0);
const timeoutS = envInt('RUNTIME_TIMEOUT', 3);

async function invoke(header, body) {
  busy = true;
  const ctx = new Context(header.request_id || '', header.deadline_ms || 0, header.headers,
    timeoutS);
  try {
    const event = body.length ? JSON.parse(body.toString('utf8')) : {};
    send('result', serialise(await call(handler, [event, ctx])));
  } catch (e) {
    send('error', errorBody(e));
  }
  busy = false;
  pump();
}

function pump() {
  while (!busy) {
    const nl = inbox.indexOf(10);
    if (nl < 0) return;
    const header = JSON.parse(inbox.subarray(0, nl).toString('utf8'));
    const len = header.len || 0;
    if (inbox.length < nl + 1 + len) return;
    const body = inbox.subarray(nl + 1, nl + 1 + len);
    inbox = inbox.subarray(nl + 1 + len);
    invoke(header, body);
  }
}

async function main() {
  const codeRoot = process.env.RUNTIME_CODE_ROOT || '/opt/function/code';
  process.chdir(codeRoot);
  try {
    handler = await load(process.env.RUNTIME_HANDLER || '', codeRoot);
    const init = process.env.RUNTIME_INITIALIZER_HANDLER;
    if (init) {
      const t = envInt('RUNTIME_INITIALIZER_TIMEOUT', 3);
      // The initializer runs as a request of its own, with its own id in the log lines.
      const initId = require('crypto').randomUUID();
      const initFn = await load(init, codeRoot);
      send('init_start'); // initializer_timeout counts from here
      await call(initFn, [new Context(initId, Date.now() + t * 1000, {}, t)]);
    }
  } catch (e) {
    send('init_error', errorBody(e));
    channel.end(() => process.exit(1));
    return;
  }
  send('ready');
  channel.on('data', (chunk) => {
    inbox = inbox.length ? Buffer.concat([inbox, chunk]) : chunk;
    pump();
  });
  channel.on('end', () => process.exit(0));
}

process.on('uncaughtException', (e) => {
  send('error', errorBody(e));
  channel.end(() => process.exit(129));
});

main();
