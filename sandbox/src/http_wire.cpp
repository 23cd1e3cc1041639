// SPDX-License-Identifier: Apache-2.0
#include "http_wire.hpp"

#include <cerrno>
#include <cstdlib>

#include <fstage/base/strings.hpp>

namespace fstage::sandbox::detail {

namespace {

constexpr std::size_t k_npos = std::string::npos;

// Decodes a chunked body (RFC 9112 §7.1) starting at `pos`: returns the offset just past the
// last chunk and its trailer section, or npos when more bytes are needed; sets `bad` on
// malformed input.
std::size_t dechunk(const std::string& buf, std::size_t pos, std::string& out, bool& bad) {
  for (;;) {
    auto eol = buf.find("\r\n", pos);
    if (eol == k_npos) {
      return k_npos;
    }
    const char* start = buf.c_str() + pos;
    char* end = nullptr;
    errno = 0;
    unsigned long long size = std::strtoull(start, &end, 16);
    if (end == start || errno == ERANGE || (*end != ';' && *end != '\r' && *end != ' ')) {
      bad = true;
      return k_npos;
    }
    pos = eol + 2;
    if (size == 0) {
      // The trailer section: field lines up to an empty line.
      for (;;) {
        auto line_end = buf.find("\r\n", pos);
        if (line_end == k_npos) {
          return k_npos;
        }
        const bool empty = line_end == pos;
        pos = line_end + 2;
        if (empty) {
          return pos;
        }
      }
    }
    if (size > buf.size() || buf.size() - pos < size + 2) {
      return k_npos;
    }
    if (buf.compare(pos + size, 2, "\r\n") != 0) {
      bad = true;
      return k_npos;
    }
    out.append(buf, pos, size);
    pos += size + 2;
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::optional<HttpMessage> HttpParser::fail() {
  m_error = true;
  return std::nullopt;
}

std::optional<HttpMessage> HttpParser::next() {
  for (;;) {
    auto head_end = m_buf.find("\r\n\r\n");
    if (head_end == k_npos) {
      if (m_buf.size() > (64 << 10) || (m_eof && !m_buf.empty())) {
        return fail();  // a head that is too long, or cut off by the close
      }
      return std::nullopt;
    }
    HttpMessage m;
    auto lines = split(std::string_view(m_buf).substr(0, head_end), '\n');
    if (lines.empty()) {
      return fail();
    }
    auto first = split(std::string(trim(lines[0])), ' ');
    if (first.size() < 2) {
      return fail();
    }
    if (m_responses) {
      m.version = first[0];
      if (!all_digits(first[1]) || first[1].size() != 3) {
        return fail();
      }
      m.status = std::atoi(first[1].c_str());
    } else {
      m.method = first[0];
      m.target = first[1];
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto colon = lines[i].find(':');
      if (colon == std::string::npos) {
        continue;
      }
      std::string name(trim(std::string_view(lines[i]).substr(0, colon)));
      std::string value(trim(std::string_view(lines[i]).substr(colon + 1)));
      m.headers[to_lower(name)] = value;
      m.fields.emplace_back(std::move(name), std::move(value));
    }
    const std::size_t body_start = head_end + 4;
    if (m_responses && m.status < 200) {
      m_buf.erase(0, body_start);  // 100 Continue and the like: the real response follows
      continue;
    }
    std::size_t consumed = 0;
    const bool no_body = m_responses && (m_head || m.status == 204 || m.status == 304);
    auto length = m.headers.find("content-length");
    if (no_body) {
      consumed = body_start;
    } else if (to_lower(m.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
      bool bad = false;
      consumed = dechunk(m_buf, body_start, m.body, bad);
      if (bad) {
        return fail();
      }
      if (consumed == k_npos) {
        return m_eof ? fail() : std::nullopt;
      }
    } else if (length != m.headers.end()) {
      if (!all_digits(length->second) || length->second.size() > 15) {
        return fail();
      }
      std::size_t len = std::strtoull(length->second.c_str(), nullptr, 10);
      if (m_buf.size() - body_start < len) {
        return m_eof ? fail() : std::nullopt;
      }
      m.body = m_buf.substr(body_start, len);
      consumed = body_start + len;
    } else if (m_responses) {
      // Neither chunked nor Content-Length: the body is everything until the server closes
      // the connection (HTTP/1.0 style, as Python's http.server answers by default).
      if (!m_eof) {
        return std::nullopt;
      }
      m.body = m_buf.substr(body_start);
      consumed = m_buf.size();
    } else {
      consumed = body_start;  // a request without either has no body
    }
    m_buf.erase(0, consumed);
    m_head = false;
    return m;
  }
}

std::string http_response(int status, std::string_view reason,
                          const std::map<std::string, std::string>& headers,
                          std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& [k, v] : headers) {
    out += k + ": " + v + "\r\n";
  }
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace fstage::sandbox::detail
