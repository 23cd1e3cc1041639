// SPDX-License-Identifier: Apache-2.0
#include "http_function.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/triggers.hpp>

#include <sys/socket.h>

namespace fstage::sandbox::detail {

namespace {

constexpr int k_http_port = 8000;

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string scalar(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

std::string http_request_for(const InvokeRequest& req, const FunctionSpec& spec) {
  Json event = Json::parse(req.event, nullptr, false);
  std::string method = "POST";
  std::string target = "/";
  std::string body = req.event;
  std::vector<std::pair<std::string, std::string>> headers;
  bool apig = event.is_object() && event.contains("httpMethod");
  if (apig) {
    method = scalar(event["httpMethod"]);
    target = text_or(event, "path", "/");
    if (target.empty() || target[0] != '/') {
      target = "/" + target;
    }
    std::string query;
    if (event.contains("queryStringParameters") && event["queryStringParameters"].is_object()) {
      for (const auto& [k, v] : event["queryStringParameters"].items()) {
        query += (query.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(scalar(v));
      }
    }
    target += query;
    body = event.contains("body") && event["body"].is_string() ? event["body"].get<std::string>()
                                                               : std::string();
    if (value_or(event, "isBase64Encoded", false)) {
      body = base64_decode(body).value_or(body);
    }
    if (event.contains("headers") && event["headers"].is_object()) {
      for (const auto& [k, v] : event["headers"].items()) {
        std::string lk = to_lower(k);
        if (lk != "host" && lk != "content-length" && lk != "connection" &&
            lk != "transfer-encoding") {
          headers.emplace_back(k, scalar(v));
        }
      }
    }
  } else {
    headers.emplace_back("Content-Type", "application/json");
  }
  // The headers the platform adds to every request of an HTTP function.
  headers.emplace_back("X-CFF-Request-Id", req.request_id);
  headers.emplace_back("X-CFF-Memory", std::to_string(spec.memory_mb));
  headers.emplace_back("X-CFF-Timeout", std::to_string(spec.timeout_s));
  headers.emplace_back("X-CFF-Func-Version", spec.version);
  headers.emplace_back("X-CFF-Func-Name", spec.name);
  headers.emplace_back("X-CFF-Project-Id", spec.project_id);
  headers.emplace_back("X-CFF-Package", spec.package);
  headers.emplace_back("X-CFF-Region", spec.region);
  for (const auto& [k, v] : req.headers) {
    headers.emplace_back(k, v);
  }
  std::string out = method + " " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(k_http_port) +
                    "\r\nConnection: keep-alive\r\n";
  for (const auto& [k, v] : headers) {
    out += k + ": " + v + "\r\n";
  }
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

std::string canonical_header_name(std::string_view name) {
  // Go's textproto.CanonicalMIMEHeaderKey: a name with characters outside the token set is
  // left as it is.
  std::string out(name);
  for (char c : out) {
    if (c == ' ' || c == ':' || static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return out;
    }
  }
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

std::string apig_result_for(const HttpMessage& r) {
  // The result the platform documents for an HTTP function (the "Execution Result" of a test
  // event in OTC-PY doc/source/devguide/http_function/scratch/project.rst, and "By default,
  // the response is encoded using Base64. The default value of isBase64Encoded is true" in
  // its http_function/_index.rst): the body always base64, every header an array of its
  // values in the order sent (two Set-Cookie stay two), names in Go's canonical form as the
  // platform's Go front end gives them, Date and Content-Length kept. Only the hop-by-hop
  // headers of the connection to the function are dropped.
  OrderedJson headers = OrderedJson::object();
  for (const auto& [name, value] : r.fields) {
    const std::string lower = to_lower(name);
    if (lower == "connection" || lower == "keep-alive" || lower == "transfer-encoding" ||
        lower == "te" || lower == "trailer" || lower == "upgrade" || lower == "proxy-connection") {
      continue;
    }
    headers[canonical_header_name(name)].push_back(value);
  }
  OrderedJson out = OrderedJson::object();
  out["body"] = base64_encode(r.body);
  out["headers"] = std::move(headers);
  out["statusCode"] = r.status;
  out["isBase64Encoded"] = true;
  return out.dump();
}

HttpFunctionTransport::HttpFunctionTransport(Connect connect, const FunctionSpec& spec)
    : m_connect(std::move(connect)), m_spec(spec) {}

HttpFunctionTransport::~HttpFunctionTransport() {
  close_conn();
}

void HttpFunctionTransport::close_conn() {
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
  m_parser = HttpParser(true);
  m_parser.set_head_request(m_head && m_in_flight);
}

bool HttpFunctionTransport::open_conn() {
  auto fd = m_connect();
  if (!fd) {
    return false;
  }
  m_fd = *fd;
  ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
  return true;
}

void HttpFunctionTransport::send_invoke(const InvokeRequest& request, std::int64_t) {
  m_reused = m_fd >= 0;
  if (m_fd < 0) {
    open_conn();
  }
  m_request = http_request_for(request, m_spec);
  m_head = m_request.starts_with("HEAD ");
  m_parser.set_head_request(m_head);
  m_out = m_request;
  m_in_flight = true;
  m_got_bytes = false;
  flush();
}

void HttpFunctionTransport::flush() {
  while (m_fd >= 0 && !m_out.empty()) {
    ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        close_conn();
      }
      return;
    }
    m_out.erase(0, static_cast<std::size_t>(n));
  }
}

void HttpFunctionTransport::add_pollfds(std::vector<pollfd>& fds) const {
  short ev = POLLIN;
  if (!m_out.empty()) {
    ev |= POLLOUT;
  }
  fds.push_back({m_fd, ev, 0});
}

std::optional<Reply> HttpFunctionTransport::read_response() {
  char buf[65536];
  bool eof = false;
  while (m_fd >= 0) {
    ssize_t n = ::read(m_fd, buf, sizeof(buf));
    if (n > 0) {
      m_got_bytes = true;
      m_parser.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    eof = n == 0 || errno != EAGAIN;
    break;
  }
  if (eof && m_got_bytes) {
    m_parser.set_eof();  // a body framed by the close is complete now
  }
  if (auto m = m_parser.next()) {
    m_in_flight = false;
    std::string conn = to_lower(m->headers["connection"]);
    // HTTP/1.0 servers (Python's http.server by default) close after every response.
    if (conn == "close" || (m->version == "HTTP/1.0" && conn != "keep-alive") || eof) {
      close_conn();
    }
    Reply reply{Reply::result, apig_result_for(*m), m->body.size()};
    return reply;
  }
  if (eof && m_in_flight && m_reused && !m_got_bytes) {
    // The server dropped a kept-alive connection before reading our request: send it again
    // once on a fresh connection, as HTTP clients do.
    close_conn();
    m_reused = false;
    if (open_conn()) {
      m_out = m_request;
      flush();
      return std::nullopt;
    }
  }
  if (eof || m_parser.error()) {
    close_conn();
    if (m_in_flight) {
      m_in_flight = false;
      return Reply{Reply::error,
                   error_body("HttpFunctionError",
                              m_parser.error() && !eof
                                  ? "the function's server sent a malformed HTTP response"
                                  : "the function's server closed the connection without a "
                                    "complete response (fewer body bytes than its "
                                    "Content-Length, or a chunked body cut short)"),
                   std::nullopt};
    }
  }
  return std::nullopt;
}

std::optional<Reply> HttpFunctionTransport::on_poll(std::span<const pollfd> mine) {
  if (!m_ready) {
    // Not listening yet is normal during startup: try again at the next tick.
    if (auto fd = m_connect()) {
      m_fd = *fd;
      ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
      m_ready = true;
      return Reply{Reply::ready, {}};
    }
    return std::nullopt;
  }
  if (!mine.empty() && (mine[0].revents & POLLOUT) != 0) {
    flush();
  }
  if (!mine.empty() && mine[0].revents != 0) {
    return read_response();
  }
  return std::nullopt;
}

std::optional<Reply> HttpFunctionTransport::drain() {
  // After the instance ended only a complete response counts; a cut-off one is the
  // instance's death, which the caller reports with its cause.
  auto r = m_in_flight ? read_response() : std::nullopt;
  if (!r || r->kind != Reply::result) {
    return Reply{Reply::closed, {}};
  }
  return r;
}

}  // namespace fstage::sandbox::detail
