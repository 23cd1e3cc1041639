# bench/lib/serve-common.sh: what bench/serve, bench/serve-burst and bench/serve-cpu share, so
# that every row of theirs serves the same handlers the same way (sourced, not run).
#  - bench_handlers DIR: the hello handlers (DIR/py/handler.py, DIR/node/handler.js), the floor
#    servers beside them, DIR/fstage.yaml serving both on an APIG route of any method, and
#    DIR/post.lua (wrk: POST a small JSON body, as issue 24's table was measured);
#  - free_port, wait_http URL;
#  - start_floor node|python PORT, start_hop PORT UPSTREAM, start_ff DIR PORT, start_sls DIR PORT,
#    ensure_peers CACHE: each start_* sets STARTED to the server's pid (a process group leader
#    for serverless).
#  - measure NAME PID URL: CPU microseconds per request of a server's front process and of its
#    descendants under one wrk run (bench/serve-cpu, bench/serve-arch).
# Callers set PYTHON (/usr/bin/python3: the python3 on PATH may be a slow shim).

bench_handlers() {
  local dir=$1
  mkdir -p "$dir/py" "$dir/node"
  cat >"$dir/py/handler.py" <<'PY'
def hello(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "hello"}
PY
  cat >"$dir/node/handler.js" <<'JS'
exports.hello = async (event, context) =>
  ({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
JS
  cat >"$dir/fstage.yaml" <<'YAML'
name: bench
functions:
  py: {runtime: Python3.10, handler: handler.hello, code: py, triggers: [{type: APIG, path: /py, method: ANY}]}
  node: {runtime: Node.js18.15, handler: handler.hello, code: node, triggers: [{type: APIG, path: /node, method: ANY}]}
YAML
  cat >"$dir/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 0}'
wrk.headers["Content-Type"] = "application/json"
LUA
  # The floor: each handler behind its runtime's own HTTP server, nothing else. It reads the
  # request's body and hands the handler the method and path.
  cat >"$dir/node/floor.js" <<'JS'
const http = require('http');
const { hello } = require('./handler.js');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString();
    const r = await hello({ httpMethod: req.method, path: req.url, body }, {});
    res.writeHead(r.statusCode, r.headers);
    res.end(r.body);
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
JS
  cat >"$dir/py/floor.py" <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from handler import hello

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk and the gateway use
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed ACK
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        r = hello({"httpMethod": self.command, "path": self.path, "body": body}, None)
        out = r["body"].encode()
        self.send_response(r["statusCode"])
        for k, v in r["headers"].items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    do_GET = answer
    do_POST = answer
    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
  BENCH_DIR=$dir
}

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() {  # URL: until it answers 200 (30 s)
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

start_floor() {  # node|python PORT
  if [ "$1" = node ]; then
    node "$BENCH_DIR/node/floor.js" "$2" >"$BENCH_DIR/floor-node.log" 2>&1 &
  else
    (cd "$BENCH_DIR/py" && exec "$PYTHON" floor.py "$2") >"$BENCH_DIR/floor-python.log" 2>&1 &
  fi
  STARTED=$!
}

# start_hop PORT UPSTREAM_PORT: nginx (one worker, keep-alive to the upstream, no access log)
# on 127.0.0.1:PORT in front of 127.0.0.1:UPSTREAM_PORT, in the foreground; STARTED is its
# master's pid. The cost of one proxy hop and nothing else: bench/serve's reference for what a
# gateway in front of a runtime process can keep of the floor. Returns 1 when there is no nginx.
start_hop() {
  local nginx d=$BENCH_DIR/hop.$1
  nginx=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }) || return 1
  mkdir -p "$d"
  cat >"$d/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $d/body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  upstream floor { server 127.0.0.1:$2; keepalive 32; }
  server {
    listen 127.0.0.1:$1;
    location / { proxy_pass http://floor; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  "$nginx" -c "$d/nginx.conf" -p "$d" >"$d/out.log" 2>&1 &
  STARTED=$!
}

# ensure_peers CACHE: serverless@3 + serverless-offline@13 and functions-framework@3 from npm
# into CACHE, once. Returns 1 (and says why) when they are not there.
ensure_peers() {
  local cache=$1
  command -v npm >/dev/null || { echo "PEERS NOT INSTALLED: no npm"; return 1; }
  mkdir -p "$cache"
  if [ ! -x "$cache/node_modules/.bin/serverless" ] ||
    [ ! -d "$cache/node_modules/@google-cloud/functions-framework" ]; then
    echo "installing serverless@3, serverless-offline@13, @google-cloud/functions-framework@3 into $cache ..."
    (cd "$cache" && npm install --no-audit --no-fund --loglevel=error \
      serverless@3 serverless-offline@13 @google-cloud/functions-framework@3) >"$BENCH_DIR/npm.log" 2>&1 ||
      { echo "PEERS NOT INSTALLED: npm install failed:"; tail -5 "$BENCH_DIR/npm.log"; return 1; }
  fi
  [ -x "$cache/node_modules/.bin/serverless" ]
}

# start_sls CACHE PORT: serverless-offline serving both handlers at /py and /node (any method).
start_sls() {
  local cache=$1 port=$2 d=$BENCH_DIR/sls
  mkdir -p "$d"
  cp "$BENCH_DIR/py/handler.py" "$BENCH_DIR/node/handler.js" "$d/"
  cat >"$d/serverless.yml" <<'YAML'
service: bench
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
plugins:
  - serverless-offline
functions:
  py:
    handler: handler.hello
    runtime: python3.11
    events: [{ httpApi: { path: /py, method: '*' } }]
  node:
    handler: handler.hello
    events: [{ httpApi: { path: /node, method: '*' } }]
YAML
  ln -sfn "$cache/node_modules" "$d/node_modules"
  # setsid: a process group of its own, so that its Python workers end with it (kill -- -PID).
  (cd "$d" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off exec setsid \
    "$cache/node_modules/.bin/serverless" offline start --httpPort "$port" \
    --lambdaPort "$(free_port)" --noPrependStageInUrl) >"$BENCH_DIR/sls.log" 2>&1 &
  STARTED=$!
}

# start_ff CACHE PORT: functions-framework (Node.js only: its Python twin lives on PyPI).
start_ff() {
  local cache=$1 port=$2 d=$BENCH_DIR/ff
  mkdir -p "$d"
  cat >"$d/index.js" <<'JS'
exports.hello = (req, res) => { res.set('Content-Type', 'text/plain'); res.send('hello'); };
JS
  (cd "$d" && exec "$cache/node_modules/.bin/functions-framework" --target=hello --port="$port") \
    >"$BENCH_DIR/ff.log" 2>&1 &
  STARTED=$!
}

# ticks PID...: utime+stime of the processes, in clock ticks.
ticks() { local t=0 p; for p in "$@"; do
  [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
done; echo "$t"; }
# tasks PID: one line per thread of PID: tid, name (comm), utime+stime ticks, context switches.
tasks() { local t; for t in /proc/"$1"/task/*; do
  [ -r "$t/stat" ] || continue
  printf '%s %s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")" \
    "$(awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s + 0}' "$t/status")"
done 2>/dev/null; }
descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }

# measure NAME PID URL: warms URL, then one wrk run (POST, CONNS connections over `threads`
# wrk threads, DURATION), one line into $BENCH_DIR/rows; CPU per request of PID itself (the front:
# serve's gateway, or the whole server when it is one process) and of its descendants (serve's
# runtime instances, serverless-offline's workers).
measure() {
  local name=$1 server=$2 url=$3 kids s0 s1 i0 i1 n rps perf_pid strace_pid
  wrk -t"$threads" -c"$CONNS" -d1s -s "$BENCH_DIR/post.lua" "$url" >/dev/null 2>&1  # warm
  kids=$(descendants "$server")
  s0=$(ticks "$server"); i0=$(ticks $kids); tasks "$server" >"$BENCH_DIR/tasks0"
  if [ "${PERF:-0}" = 1 ]; then
    perf stat -e task-clock,context-switches,cpu-migrations -p "$server" -o "$BENCH_DIR/perf.txt" &
    perf_pid=$!
    sleep 0.3  # perf's SIGINT handler in place before the run ends
  fi
  if [ "${STRACE:-0}" = 1 ]; then
    strace -c -f -p "$server" -o "$BENCH_DIR/strace.txt" &
    strace_pid=$!
    sleep 0.5
  fi
  wrk -t"$threads" -c"$CONNS" -d"$DURATION" -s "$BENCH_DIR/post.lua" "$url" >"$BENCH_DIR/wrk.txt" 2>&1
  [ "${PERF:-0}" = 1 ] && { kill -INT "$perf_pid"; wait "$perf_pid"; }
  [ "${STRACE:-0}" = 1 ] && { kill -INT "$strace_pid"; wait "$strace_pid"; }
  s1=$(ticks "$server"); i1=$(ticks $kids); tasks "$server" >"$BENCH_DIR/tasks1"
  n=$(awk '/requests in/ {print $1}' "$BENCH_DIR/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_DIR/wrk.txt")
  [ -n "$n" ] && [ "$n" -gt 0 ] || { echo "$name: no requests answered"; return; }
  "$PYTHON" -c "import sys; n=int(sys.argv[1]); hz=int(sys.argv[2]);
f=(int(sys.argv[4])-int(sys.argv[3]))*1e6/hz/n; i=(int(sys.argv[6])-int(sys.argv[5]))*1e6/hz/n
print('%-26s %10s %10d %12.1f %12.1f %12.1f' % (sys.argv[7], sys.argv[8], n, f, i, f + i))" \
    "$n" "$hz" "$s0" "$s1" "$i0" "$i1" "$name" "$rps" | tee -a "$BENCH_DIR/rows"
  # The front's CPU by thread name (the main thread is the HTTP loop in fstage serve): which
  # thread a request's cost is on, and how often each is switched out.
  "$PYTHON" - "$BENCH_DIR/tasks0" "$BENCH_DIR/tasks1" "$server" "$n" "$hz" "$name" <<'PY'
import sys
def load(path):
    return {l.split()[0]: l.split()[1:] for l in open(path) if len(l.split()) == 4}
a, b = load(sys.argv[1]), load(sys.argv[2])
pid, n, hz = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
groups = {}
for tid, (comm, ticks, sw) in b.items():
    t0, s0 = (int(a[tid][1]), int(a[tid][2])) if tid in a else (0, 0)
    if int(ticks) == t0:
        continue  # idle all along (a sandbox's parked thread, a spare worker)
    key = "main" if tid == pid else comm
    g = groups.setdefault(key, [0, 0.0, 0])
    g[0] += 1; g[1] += (int(ticks) - t0) * 1e6 / hz / n; g[2] += int(sw) - s0
parts = ["%s%s %.1f us %.2f sw" % (k, " x%d" % g[0] if g[0] > 1 else "", g[1], g[2] / n)
         for k, g in sorted(groups.items(), key=lambda kv: -kv[1][1]) if g[1] >= 0.5]
print("  %s by thread, per request: %s" % (sys.argv[6], "; ".join(parts) or "(its threads ended)"))
PY
  [ "${PERF:-0}" = 1 ] && grep -E "task-clock|context-switches" "$BENCH_DIR/perf.txt" | sed "s/^/  $name perf: /"
  if [ "${STRACE:-0}" = 1 ]; then
    echo "  $name syscalls of the front process (per request = calls / $n):"
    awk -v n="$n" 'NR>2 && $4 ~ /^[0-9]+$/ && $NF != "total" {printf "    %-16s %8.2f\n", $NF, $4/n}' "$BENCH_DIR/strace.txt" | sort -k2 -nr | head -12
  fi
}
hz=$(getconf CLK_TCK)
