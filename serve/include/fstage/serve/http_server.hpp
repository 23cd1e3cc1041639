// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 server under the gateway, behind a small interface.
//
// The server lives in a module, fstage-httpd.so (serve/httpd/), opened by `fstage serve` alone:
// its libraries (libevent's loop, http-parser) are not loaded by any other command,
// `fstage __complete` included. The module sees only this header.
//
// One event loop reads, parses and writes every connection. A request goes first to the
// asynchronous handler, on the loop: it takes the requests it can answer without blocking (a
// function's route: the request goes to a pool, and the answer comes back from the pool's
// thread through HttpReply). The others run the synchronous handler on a worker thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <poll.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>

namespace fstage::serve {

struct HttpRequestData {
  std::string method;
  std::string path;                                          // without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::string remote_addr;
  // The body was over HttpServerOptions::max_body and was not read: the handler answers
  // (API Gateway's 413) without it.
  bool body_too_large = false;
};

// A streamed body (server-sent events). The server calls it again and again on a worker
// thread, each call writing what it has through `write` (false once the client has
// gone) and waiting a short while at most (about a second: the server checks between calls
// whether it is stopping); it returns false when the body is complete. The response goes out
// chunked, with `headers` and no `body`.
using HttpWrite = std::function<bool(std::string_view data)>;
using HttpStream = std::function<bool(const HttpWrite& write)>;

struct HttpResponseData {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  HttpStream stream;  // when set, the body is streamed instead of `body`
};

// A JSON answer: Content-Type application/json, the body as compact JSON (invalid UTF-8 in
// strings replaced, never thrown on).
HttpResponseData json_response(int status, const OrderedJson& body);

// The request's header `name` (any case), the first if repeated; null when absent.
const std::string* find_header(const HttpRequestData& request, std::string_view name);
// The query parameter `key`'s value, the first if repeated; "" when absent.
std::string query_value(const HttpRequestData& request, std::string_view key);

using HttpHandler = std::function<void(const HttpRequestData&, HttpResponseData&)>;

// The answer to one request that the asynchronous handler took, to give later.
class HttpReply {
 public:
  virtual ~HttpReply() = default;
  // Sends the response, from any thread. Only the first call counts; false for a later one.
  virtual bool send(HttpResponseData response) = 0;
  // Runs `late` on the loop after `after`, unless the response was sent first (a deadline:
  // the gateway's 504). `late` must not block; it usually send()s. Call it from the
  // asynchronous handler only, on the loop.
  virtual void deadline(std::chrono::milliseconds after, std::function<void()> late) = 0;
};

// Called on the loop for every request before anything else, and must not block. Returns true
// when it takes the request (it may move from it) and will answer through `reply`; false
// leaves the request as it was to the synchronous handler.
using HttpAsyncHandler =
    std::function<bool(HttpRequestData& request, const std::shared_ptr<HttpReply>& reply)>;

struct HttpServerOptions {
  int threads = 64;                // worker threads at most (the synchronous handler, streams)
  std::size_t max_body = 6291456;  // larger request bodies get 413
  int keep_alive_timeout_s = 2;    // an idle connection is closed after it
};

// Descriptors the loop waits on for a caller that has no thread of its own to wait with: a
// pool driving an instance's invocation from the loop (FunctionRunner::send and poll), so a
// request goes from its connection to the instance and back without leaving the loop's thread.
// Made, set and dropped on the loop only.
class LoopWatch {
 public:
  // Given the descriptors found ready since it last ran (revents: POLLIN when readable or hung
  // up, POLLOUT when writable), none when its time came: what the caller's poll(2) would have
  // said, without one.
  using Ready = std::function<void(const std::vector<pollfd>& fired)>;
  virtual ~LoopWatch() = default;
  // Waits for `fds` (each for its POLLIN/POLLOUT; fd -1 skipped; a hang-up or error counts as
  // ready) and until `wake_at` (time_point::max(): no time), in place of what it waited for
  // before: the watch's `ready` runs on the loop, at most once a loop turn, while one of them
  // is ready, and once when the time comes. Setting the same descriptors again costs no system
  // call. While a watch is set, listen() does not return: what it waits for answers a request.
  virtual void set(const std::vector<pollfd>& fds,
                   std::chrono::steady_clock::time_point wake_at) = 0;
  // Waits for nothing any more.
  virtual void clear() = 0;
};

class HttpServer {
 public:
  // On the loop's thread: the asynchronous handler, a reply's deadline, a watch's `ready`.
  virtual bool on_loop() const = 0;
  // A watch whose `ready` runs on the loop, given what was found ready since it last ran
  // (LoopWatch::Ready). Call on the loop; drop it there, before the server.
  virtual std::shared_ptr<LoopWatch> watch(LoopWatch::Ready ready) = 0;
  // Runs `fn` on the loop, from any thread. False once the loop has ended; `fn` is then
  // destroyed without running, here or when the loop ends (what it holds can hand its work
  // back in its destructor).
  virtual bool post(std::function<void()> fn) = 0;
  virtual ~HttpServer() = default;
  // Binds host:port (0 = any free port; SO_REUSEADDR but never SO_REUSEPORT, so a port in
  // use is an error). Returns the port, or -1.
  virtual int bind(const std::string& host, int port) = 0;
  // Serves until stop(); returns once the requests taken are answered.
  virtual void listen() = 0;
  // Thread-safe, before or during listen(): stops listening (new connections are refused) and
  // makes listen() return once every request taken is answered. Connections stay open until
  // then, each answer saying `Connection: close`.
  virtual void stop() = 0;
};

// Opens the module and makes a server: `async` (may be empty) first, on the loop; `handler`
// for the requests it leaves, on the server's worker threads. The module is looked for in
// $FSTAGE_HTTPD, beside the fstage executable, then in
// ../lib/fstage/ from it (where `cmake --install` and the .deb put it). Errors: not_found.
Expected<std::unique_ptr<HttpServer>> make_http_server(const HttpServerOptions& options,
                                                       HttpHandler handler,
                                                       HttpAsyncHandler async = nullptr);

}  // namespace fstage::serve

// The module's one entry point (its name carries the interface's version: a module from
// another build is refused rather than called with other types).
extern "C" fstage::serve::HttpServer* fstage_httpd_create_v3(
    const fstage::serve::HttpServerOptions* options, fstage::serve::HttpHandler* handler,
    fstage::serve::HttpAsyncHandler* async);
