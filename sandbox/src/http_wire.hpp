// SPDX-License-Identifier: Apache-2.0
// A minimal HTTP/1.1 message parser for the runtime API server: request line or status line,
// headers, and a Content-Length or chunked body. Incremental: feed bytes, take messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fstage::sandbox::detail {

struct HttpMessage {
  std::string method;  // requests
  std::string target;
  int status = 0;                              // responses
  std::string version;                         // "HTTP/1.1"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class HttpParser {
 public:
  explicit HttpParser(bool responses = false) : m_responses(responses) {}
  void feed(std::string_view data) { m_buf.append(data); }
  // The next complete message, if any. Sets error() on malformed input.
  std::optional<HttpMessage> next();
  bool error() const { return m_error; }

 private:
  bool m_responses;
  std::string m_buf;
  bool m_error = false;
};

// "HTTP/1.1 200 OK" + headers + Content-Length + body.
std::string http_response(int status, std::string_view reason,
                          const std::map<std::string, std::string>& headers, std::string_view body);

}  // namespace fstage::sandbox::detail
