// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 server under the gateway, behind a small interface.
//
// cpp-httplib as Debian ships it is a shared library that pulls in libssl, libcrypto and
// brotli: linked into fstage it would add ~15 ms to the start of every command, `fstage
// __complete` included. So the server lives in a module, fstage-httpd.so (serve/httpd/),
// opened by `fstage serve` alone. The module sees only this header.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
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

// A streamed body (server-sent events). The server calls it again and again on the
// request's thread, each call writing what it has through `write` (false once the client has
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

struct HttpServerOptions {
  int threads = 64;                // worker threads (one per open connection at a time)
  std::size_t max_body = 6291456;  // larger request bodies get 413
  int keep_alive_timeout_s = 2;
  std::size_t keep_alive_max = 100000;  // requests per connection
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Binds host:port (0 = any free port; SO_REUSEADDR but never SO_REUSEPORT, so a port in
  // use is an error). Returns the port, or -1.
  virtual int bind(const std::string& host, int port) = 0;
  // Serves until stop(); returns once the open connections are done.
  virtual void listen() = 0;
  // Thread-safe; makes listen() return.
  virtual void stop() = 0;
};

// Opens the module and makes a server calling `handler` for every request, on the server's
// threads. The module is looked for in $FSTAGE_HTTPD, beside the fstage executable, then in
// ../lib/fstage/ from it (where `cmake --install` and the .deb put it). Errors: not_found.
Expected<std::unique_ptr<HttpServer>> make_http_server(const HttpServerOptions& options,
                                                       HttpHandler handler);

}  // namespace fstage::serve

// The module's one entry point.
extern "C" fstage::serve::HttpServer* fstage_httpd_create(
    const fstage::serve::HttpServerOptions* options, fstage::serve::HttpHandler* handler);
