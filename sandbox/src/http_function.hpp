// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/function.hpp>

#include "http_wire.hpp"
#include "transport.hpp"

namespace fstage::sandbox::detail {

// HTTP functions (PLATFORM.md §1.7): the function's own web server listens on
// 127.0.0.1:8000 inside the sandbox. Readiness is the first successful connect; each
// invocation becomes an HTTP request (an APIG event's method, path, query, headers and body,
// or a POST of any other event) with the platform's X-CFF-* headers, and the response comes
// back as the platform's result for an HTTP function (apig_result_for). The response body is
// read as any HTTP client must: by Content-Length, chunked, or until the server closes.
class HttpFunctionTransport final : public Transport {
 public:
  using Connect = std::function<Expected<int>()>;
  HttpFunctionTransport(Connect connect, const FunctionSpec& spec);
  ~HttpFunctionTransport() override;
  HttpFunctionTransport(const HttpFunctionTransport&) = delete;
  HttpFunctionTransport& operator=(const HttpFunctionTransport&) = delete;

  void send_invoke(const InvokeRequest& request, std::int64_t deadline_epoch_ms) override;
  void add_pollfds(std::vector<pollfd>& fds) const override;
  std::optional<Reply> on_poll(std::span<const pollfd> mine) override;
  std::optional<Reply> drain() override;
  int poll_timeout_ms() const override { return m_ready ? -1 : 10; }

 private:
  void close_conn();
  bool open_conn();
  void flush();
  std::optional<Reply> read_response();

  Connect m_connect;
  FunctionSpec m_spec;
  int m_fd = -1;
  bool m_ready = false;
  bool m_in_flight = false;
  bool m_head = false;       // the in-flight request is a HEAD: its response has no body
  bool m_reused = false;     // the in-flight request went out on a kept-alive connection
  bool m_got_bytes = false;  // some of its response has arrived
  std::string m_request;     // the in-flight request, for one retry on a stale connection
  std::string m_out;
  HttpParser m_parser{true};
};

// The raw HTTP/1.1 request for one invocation (exposed for tests).
std::string http_request_for(const InvokeRequest& request, const FunctionSpec& spec);
// The result the platform gives for an HTTP function's response: {"body" (base64),
// "headers" {Name: [values...]}, "statusCode", "isBase64Encoded": true}.
std::string apig_result_for(const HttpMessage& response);
// "content-type" -> "Content-Type", as Go's textproto.CanonicalMIMEHeaderKey does.
std::string canonical_header_name(std::string_view name);

}  // namespace fstage::sandbox::detail
