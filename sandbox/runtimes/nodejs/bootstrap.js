// SPDX-License-Identifier: Apache-2.0
// fstage's Node.js runtime shim: loads the function once, runs the initializer once, then
// serves invocations from the supervisor over fd 3. Same channel protocol as the Python shim:
// a line of JSON, then exactly "len" bytes of body, in both directions; one more frame from
// here, {"type":"exiting"}, after an uncaught exception (below).
'use strict';

const net = require('net');
const path = require('path');
const fs = require('fs');
const util = require('util');

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
const codeRoot = process.env.RUNTIME_CODE_ROOT || '/opt/function/code';

function send(type, body) {
  const payload = body === undefined ? Buffer.alloc(0) : body;
  channel.write(Buffer.concat([Buffer.from(JSON.stringify({ type, len: payload.length }) + '\n'),
    payload]));
}

// Log lines: "<UTC time> <request id> <LEVEL> <message>", a message longer than 90 KiB split
// into lines of that size (the platform's logger.js: util.format, MAX_SINGLE_LOG_SIZE).
const MAX_LOG_LINE = 90 * 1024;
function writeLog(requestID, level, text) {
  const head = `${new Date().toISOString()} ${requestID} ${level} `;
  let out = '';
  for (let i = 0; i === 0 || i < text.length; i += MAX_LOG_LINE) {
    out += head + text.slice(i, i + MAX_LOG_LINE) + '\n';
  }
  process.stdout.write(out);
}

// context.getLogger(), the platform's Logger (logger.js): debug, info, warn, error and
// setLevel('DEBUG'|'INFO'|'WARN'|'ERROR'), INFO to begin with.
const RANK = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };
class Logger {
  #requestID;
  #level = 'INFO';
  constructor(requestID) { this.#requestID = requestID; }
  setLevel(level) { if (level in RANK) this.#level = level; }
  #emit(level, args) {
    if (RANK[level] >= RANK[this.#level]) writeLog(this.#requestID, level, util.format(...args));
  }
  debug(...a) { this.#emit('DEBUG', a); }
  info(...a) { this.#emit('INFO', a); }
  warn(...a) { this.#emit('WARN', a); }
  error(...a) { this.#emit('ERROR', a); }
}

// Errors as the platform's runtime gives them (its error.js, errorHandler.js and
// runtimeHandler.js; the Node.js developer guide's "Return value" and "Initializer"):
//  - a handler that throws or rejects: "function invocation exception, error: <message>",
//    errorType the error's name (UserFunctionError when what was thrown is not an Error,
//    whose message is then String(value)), stackTrace the user's frames only;
//  - an error passed to the callback: "function entry exception, error: <message>", no
//    stackTrace; a value that is not an Error comes back as it is (JSON for an object);
//  - a handler that cannot be loaded: "function entry exception, error: ...";
//  - a failed initializer: "function initialization exception: <message>" (the guide's words).
const INVOKE = 'function invocation exception, error: ';
const ENTRY = 'function entry exception, error: ';
const INIT = 'function initialization exception: ';

// The frames from the first one outside the shim to the last one in the code directory, with
// the code directory written as "." (the platform's buildUserStack and filterPath).
function userFrames(stack) {
  const lines = String(stack || '').split('\n');
  const first = lines.findIndex((l) => l.startsWith('    at ') && !l.includes(__filename));
  let last = -1;
  lines.forEach((l, i) => { if (l.includes(codeRoot)) last = i; });
  return first >= 0 && first <= last ? lines.slice(first, last + 1).map((l) => l.trim()) : [];
}

function relative(text) { return String(text).split(codeRoot + '/').join('./'); }

function errorJSON(message, type, stack) {
  const body = { errorMessage: message, errorType: type };
  if (stack) body.stackTrace = stack;
  return Buffer.from(relative(JSON.stringify(body)));
}

function invocationError(err) {
  if (err instanceof Error) return errorJSON(INVOKE + err.message, err.name, userFrames(err.stack));
  return errorJSON(INVOKE + (err === undefined || err === null ? '' : String(err)),
    'UserFunctionError', []);
}

function entryError(err) {
  if (err instanceof Error) return errorJSON(ENTRY + err.message, err.name);
  return Buffer.from(relative(typeof err === 'object' ? JSON.stringify(err) : String(err)));
}

// The platform logs a failed invocation's message and user frames as an ERROR line too.
function logError(requestID, err) {
  if (!(err instanceof Error)) return;
  const frames = userFrames(err.stack).map((l) => '    ' + l);
  writeLog(requestID, 'ERROR', relative([err.message, ...frames].join('\n')));
}

const headerOf = (h, name) => h[name] || '';

// The Context of the platform's runtime (its context.js): the same properties, with the same
// types (memory and cpu are the environment's strings, timeout in milliseconds, which
// getRunningTimeInSeconds() returns), and the same methods, plus the ones the platform
// documents for every runtime (PLATFORM.md 1.8: getInvokeID, getTraceID, getInvokeProperty,
// getState/setState, getInstanceID).
// The instance's constants, read from the environment once: every process.env read goes
// through a C++ interceptor, and a context made eight of them per request.
const env = (({ RUNTIME_FUNC_NAME, RUNTIME_PACKAGE, RUNTIME_PROJECT_ID, RUNTIME_FUNC_VERSION,
  RUNTIME_MEMORY, RUNTIME_CPU, RUNTIME_ALIAS }) => ({ RUNTIME_FUNC_NAME, RUNTIME_PACKAGE,
  RUNTIME_PROJECT_ID, RUNTIME_FUNC_VERSION, RUNTIME_MEMORY, RUNTIME_CPU, RUNTIME_ALIAS }))(
  process.env);
class Context {
  #deadlineMs;
  constructor(requestID, deadlineMs, headers, timeoutS) {
    const h = {};
    for (const [k, v] of Object.entries(headers || {})) h[k.toLowerCase()] = v;
    this.#deadlineMs = deadlineMs;
    this.functionName = env.RUNTIME_FUNC_NAME || '';
    this.package = env.RUNTIME_PACKAGE || '';
    this.projectID = env.RUNTIME_PROJECT_ID || '';
    this.functionVersion = env.RUNTIME_FUNC_VERSION || '';
    this.memory = env.RUNTIME_MEMORY || '0';
    this.cpu = env.RUNTIME_CPU || '0';
    this.userData = userData;
    this.timeout = timeoutS * 1000;
    this.startTime = Date.now();
    this.requestID = requestID;
    this.accessKey = headerOf(h, 'x-cff-access-key');
    this.secretKey = headerOf(h, 'x-cff-secret-key');
    this.securityAccessKey = headerOf(h, 'x-cff-security-access-key');
    this.securitySecretKey = headerOf(h, 'x-cff-security-secret-key');
    this.authToken = headerOf(h, 'x-cff-auth-token');
    this.securityToken = headerOf(h, 'x-cff-security-token');
    this.logger = new Logger(requestID);
    this.invokeID = requestID;
    this.invokeProperty = h['x-cff-invoke-property'] || null;
    this.fromTask = false;
    this.instanceID = null;
    this.state = null;
    this.traceID = h['x-cff-trace-id'] || requestID;
    this.alias = h['x-cff-origin-version-tag'] || env.RUNTIME_ALIAS || '';
    this.workflowID = headerOf(h, 'x-cff-workflow-id');
    this.workflowRunID = headerOf(h, 'x-cff-workflow-run-id');
    this.workflowStateID = headerOf(h, 'x-cff-workflow-state-id');
  }

  getAlias() { return this.alias; }
  getProjectID() { return this.projectID; }
  getPackage() { return this.package; }
  getFunctionName() { return this.functionName; }
  getVersion() { return this.functionVersion; }
  getMemorySize() { return this.memory; }
  getCPUNumber() { return this.cpu; }
  getRunningTimeInSeconds() { return this.timeout; }
  getUserData(key) { return this.userData[key]; }
  getRequestID() { return this.requestID; }
  getRemainingTimeInMilliSeconds() { return Math.max(0, this.#deadlineMs - Date.now()); }
  getAccessKey() { return this.accessKey; }
  getSecretKey() { return this.secretKey; }
  getSecurityAccessKey() { return this.securityAccessKey; }
  getSecuritySecretKey() { return this.securitySecretKey; }
  getWorkflowID() { return this.workflowID; }
  getWorkflowRunID() { return this.workflowRunID; }
  getWorkflowStateID() { return this.workflowStateID; }
  getToken() { return this.authToken; }
  getSecurityToken() { return this.securityToken; }
  getLogger() { return this.logger; }
  getInvokeID() { return this.invokeID; }
  getTraceID() { return this.traceID; }
  getInvokeProperty() { return this.invokeProperty; }
  getInstanceID() { return this.instanceID; }
  getState() { return this.state; }
  setState(s) { this.state = s; }
}

function loadError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

// 'src/index.handler' -> exports.handler of $RUNTIME_CODE_ROOT/src/index.js (or .mjs). Errors
// as the platform's getFuncInstance: FunctionLoadError, FunctionConfigError.
async function load(spec, what) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) {
    throw loadError('FunctionConfigError', `${what} '${spec}' is not of the form file.function`);
  }
  const file = path.join(codeRoot, spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  const mjs = !fs.existsSync(`${file}.js`) && fs.existsSync(`${file}.mjs`);
  let mod;
  try {
    mod = mjs ? await import(`${file}.mjs`) : require(file);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`'${file}'`)) {
      throw loadError('FunctionLoadError', `not found module '${file}.js'`);
    }
    const where = e instanceof SyntaxError ? ` (${String(e.stack).split('\n')[0]})` : '';
    throw loadError('FunctionLoadError', (e && e.message) + where);
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    throw loadError('FunctionConfigError',
      `${what} '${name}' not found in module '${file}${mjs ? '.mjs' : '.js'}'`);
  }
  return fn;
}

// Handlers may return a value or a promise (async), or call the callback (Node.js 6.10 style).
// Settles with how it ended: 'ok' (with data), 'throw' (thrown or rejected) or 'callback' (an
// error given to the callback): the platform words the two errors differently.
function call(fn, args) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (how, err, data) => {
      if (!done) {
        done = true;
        resolve({ how, err, data });
      }
    };
    const cb = (err, data) => finish(err !== null && err !== undefined ? 'callback' : 'ok', err, data);
    let r;
    try {
      r = fn(...args, cb);
    } catch (e) {
      finish('throw', e);
      return;
    }
    if (r && typeof r.then === 'function') {
      r.then((d) => finish('ok', null, d), (e) => finish('throw', e));
    } else if (fn.length <= args.length) {
      finish('ok', null, r);
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

async function run(header, body) {
  // A request queued while another ran (timeout_ms) has its time counted from its start.
  const deadline = header.timeout_ms !== undefined ? Date.now() + header.timeout_ms
    : header.deadline_ms || 0;
  const ctx = new Context(header.request_id || '', deadline, header.headers, timeoutS);
  let event;
  try {
    event = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch (e) {
    return ['error', invocationError(e)];
  }
  const { how, err, data } = await call(handler, [event, ctx]);
  if (how !== 'ok') {
    logError(ctx.requestID, err);
    return ['error', how === 'throw' ? invocationError(err) : entryError(err)];
  }
  try {
    return ['result', serialise(data)];
  } catch (e) {
    return ['error', errorJSON('function result is invalid, error: ' + e.message, e.name)];
  }
}

// Output still queued for stdout goes out before the answer: the supervisor stops reading the
// function's output for this request once it has the answer.
const flushed = () => new Promise((resolve) => {
  if (process.stdout.writableLength > 0) process.stdout.once('drain', resolve); else resolve();
});

// The end of a request's output, when the supervisor asks (mark): it may have queued the next
// request, whose output then follows in the same pipes. Once per pipe: fstage serve gives
// stdout and stderr one pipe (one log stream, in the order written).
const endMarker = (id) => '\0fstage:end:' + id + '\n';
const oneStream = (() => {
  try {
    const out = fs.fstatSync(1);
    const err = fs.fstatSync(2);
    return out.dev === err.dev && out.ino === err.ino;
  } catch (e) {
    return false;
  }
})();

async function invoke(header, body) {
  busy = true;
  const answer = await run(header, body);
  await flushed();
  if (header.mark) {
    if (!oneStream) process.stderr.write(endMarker(header.request_id || ''));
    process.stdout.write(endMarker(header.request_id || ''));
    await flushed();
  }
  send(...answer);
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
    if (header.type === 'init') continue; // no initializer read it
    invoke(header, body);
  }
}

// The id fstage gives the initializer, in the channel's first frame ({"type":"init"}, no
// body), read before any request can come: fstage's log tags the initializer's output with it.
const initFrame = () => new Promise((resolve) => {
  let got = Buffer.alloc(0);
  const done = (id) => {
    channel.removeListener('data', onData);
    channel.removeListener('end', onEnd);
    channel.pause(); // main() resumes it, once ready
    resolve(id || require('crypto').randomUUID()); // no frame of fstage's: an id of its own
  };
  const onData = (chunk) => {
    got = got.length ? Buffer.concat([got, chunk]) : chunk;
    const nl = got.indexOf(10);
    if (nl < 0) return;
    inbox = got.subarray(nl + 1); // nothing, before ready; kept all the same
    let header = {};
    try {
      header = JSON.parse(got.subarray(0, nl).toString('utf8'));
    } catch (e) {
      // not fstage's frame
    }
    done(header.type === 'init' && header.request_id ? String(header.request_id) : '');
  };
  const onEnd = () => done('');
  channel.on('data', onData);
  channel.on('end', onEnd);
});

// The initializer runs as a request of its own, with its own id in the log lines. Its errors
// (loading it included) are initialization exceptions.
async function initialize(spec) {
  const t = envInt('RUNTIME_INITIALIZER_TIMEOUT', 3);
  const initId = await initFrame();
  let fn;
  try {
    fn = await load(spec, 'initializer');
  } catch (e) {
    return errorJSON(INIT + e.message, e.name);
  }
  send('init_start'); // initializer_timeout counts from here
  const { how, err } = await call(fn, [new Context(initId, Date.now() + t * 1000, {}, t)]);
  if (how === 'ok') return null;
  logError(initId, err);
  const message = INIT + (err instanceof Error ? err.message : String(err));
  const type = err instanceof Error ? err.name : 'UserFunctionError';
  return errorJSON(message, type, how === 'throw' ? userFrames(err && err.stack) : undefined);
}

async function main() {
  process.chdir(codeRoot);
  let failure = null;
  try {
    handler = await load(process.env.RUNTIME_HANDLER || '', 'handler');
  } catch (e) {
    failure = errorJSON(ENTRY + e.message, e.name);
  }
  const init = process.env.RUNTIME_INITIALIZER_HANDLER;
  if (!failure && init) failure = await initialize(init);
  await flushed();
  if (failure) {
    send('init_error', failure);
    channel.end(() => process.exit(1));
    return;
  }
  send('ready');
  channel.on('data', (chunk) => {
    inbox = inbox.length ? Buffer.concat([inbox, chunk]) : chunk;
    pump();
  });
  channel.on('end', () => process.exit(0));
  channel.resume(); // paused by initFrame()
  pump(); // what initFrame() read past its frame
}

// An exception nothing caught (thrown from a timer or callback) ends the instance, as on the
// platform. The request running, if any, gets it as its error; then "exiting" tells the
// supervisor that the requests it queued here behind that one never started (they run on a new
// instance). Between requests it is only logged.
process.on('uncaughtException', (e) => {
  if (busy) {
    send('error', invocationError(e));
  } else {
    logError('', e);
  }
  send('exiting');
  channel.end(() => process.exit(129));
});

main();
