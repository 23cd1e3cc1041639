// SPDX-License-Identifier: Apache-2.0
// A minimal HTTP/1.1 message parser for the runtime API server and the HTTP function client:
// request line or status line, headers, and a body framed as RFC 9112 §6.3 says: chunked,
// Content-Length, or (responses only) everything until the server closes the connection.
// Incremental: feed bytes, take messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fstage::sandbox::detail {

struct HttpMessage {
  std::string method;  // requests
  std::string target;
  int status = 0;                              // responses
  std::string version;                         // "HTTP/1.1"
  std::map<std::string, std::string> headers;  // names lower-cased; a repeated one: the last
  std::vector<std::pair<std::string, std::string>> fields;  // every header as sent, in order
  std::string body;
};

class HttpParser {
 public:
  explicit HttpParser(bool responses = false) : m_responses(responses) {}
  void feed(std::string_view data) { m_buf.append(data); }
  // The peer closed its side: a response framed by the close is complete now, and one that
  // still waits for bytes never will be (error()).
  void set_eof() { m_eof = true; }
  // The next response answers a HEAD request: it has no body whatever its headers say.
  void set_head_request(bool head) { m_head = head; }
  // The next complete message, if any. Sets error() on malformed or truncated input.
  std::optional<HttpMessage> next();
  bool error() const { return m_error; }

 private:
  std::optional<HttpMessage> fail();

  bool m_responses;
  bool m_eof = false;
  bool m_head = false;
  std::string m_buf;
  bool m_error = false;
};

// "HTTP/1.1 200 OK" + headers + Content-Length + body.
std::string http_response(int status, std::string_view reason,
                          const std::map<std::string, std::string>& headers, std::string_view body);

}  // namespace fstage::sandbox::detail
