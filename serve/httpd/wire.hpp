// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 on the wire for fstage-httpd.so: requests read with http-parser (Node.js's parser
// before llhttp, packaged by Debian as libhttp-parser), answers' heads written here. No
// sockets: httpd.cpp feeds it the bytes a connection reads and writes what it returns, and the
// unit tests ([httpd-wire]) feed it bytes directly.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/serve/http_server.hpp>

namespace fstage::serve::httpd {

// One request, read whole.
struct WireRequest {
  HttpRequestData data;     // remote_addr is the connection's to fill in
  bool keep_alive = false;  // the client keeps the connection after the answer
  bool head = false;        // HEAD: the answer has no body, its length stays
  bool http10 = false;      // HTTP/1.0: no chunked answer (a stream ends with the connection)
};

// Reads the requests one connection sends, one at a time: after a request is complete, feed()
// consumes nothing more until take() has it (the bytes after it, a pipelined request, wait in
// the caller's buffer).
class RequestReader {
 public:
  // Bodies up to `max_body` are read into the request; up to four times that, read and
  // dropped, the request marked body_too_large; beyond that, refused (413) unread.
  explicit RequestReader(std::size_t max_body);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses `data` and returns how many bytes it consumed: all of them, or fewer when a request
  // became complete or the bytes are not HTTP (then failed()).
  std::size_t feed(std::string_view data);
  // A request is complete and waits for take().
  bool complete() const { return m_complete; }
  // Hands the complete request over and reads the next one from the next feed().
  WireRequest take();
  // Not HTTP, or refused: the status to answer with (400, 413, 431, 501, 505) before closing
  // the connection; 0 while all is well.
  int failed() const { return m_failed; }
  // Part of a request has been read (a timeout then cuts a request short, not an idle wait).
  bool started() const { return m_started; }
  // True once per request whose headers ask for `Expect: 100-continue` before its body.
  bool take_continue() { return std::exchange(m_continue, false); }

 private:
  friend struct ReaderCallbacks;
  struct Parser;
  std::unique_ptr<Parser> m_parser;
  std::size_t m_max_body;
  WireRequest m_request;
  std::string m_url;
  std::string m_field;  // the header being read
  bool m_in_value = false;
  std::size_t m_body_seen = 0;
  bool m_complete = false;
  bool m_started = false;
  bool m_continue = false;
  int m_failed = 0;
};

// An answer's status line and headers, ending in the blank line. `length` is the body's, or
// -1 for a stream (chunked to HTTP/1.1, to the connection's end for HTTP/1.0). The headers
// are the handler's, without framing headers and without a CR or LF in a name or value (the
// caller filters: is_framing_header, header_is_safe); `close` adds `Connection: close`,
// `keep_alive_10` (HTTP/1.0 kept alive) `Connection: keep-alive`. 1xx, 204 and 304 have no
// length.
void write_head(std::string& out, int status,
                const std::vector<std::pair<std::string, std::string>>& headers, long long length,
                bool close, bool keep_alive_10, bool http10);

// A streamed piece as one HTTP/1.1 chunk, and the end of a chunked body.
void append_chunk(std::string& out, std::string_view data);
inline constexpr std::string_view k_last_chunk = "0\r\n\r\n";

// The server's own answer to a request it refuses (failed()), closing the connection.
std::string error_answer(int status);

// `Content-Length`, `Transfer-Encoding`, `Connection`: the server writes those.
bool is_framing_header(std::string_view name);
// Neither the name nor the value would split the head (no CR, LF or NUL; a name not empty).
bool header_is_safe(std::string_view name, std::string_view value);
bool equals_lower(std::string_view name, std::string_view lower);

// Percent-decoding (`plus`: '+' is a space, as in a query); a '%' not followed by two hex
// digits stays as it is.
std::string uri_decode(std::string_view s, bool plus);
// A query's fields in the order sent: split at '&', then at the first '='; a field without a
// name is skipped.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q);

}  // namespace fstage::serve::httpd
