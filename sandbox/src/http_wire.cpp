// SPDX-License-Identifier: Apache-2.0
#include "http_wire.hpp"

#include <cstdlib>

#include <fstage/base/strings.hpp>

namespace fstage::sandbox::detail {

namespace {

// Decodes a complete chunked body starting at `pos`; returns the end offset or npos when
// more bytes are needed.
std::size_t dechunk(const std::string& buf, std::size_t pos, std::string& out, bool& bad) {
  for (;;) {
    auto eol = buf.find("\r\n", pos);
    if (eol == std::string::npos) {
      return std::string::npos;
    }
    char* end = nullptr;
    unsigned long size = std::strtoul(buf.c_str() + pos, &end, 16);
    if (end == buf.c_str() + pos) {
      bad = true;
      return std::string::npos;
    }
    pos = eol + 2;
    if (size == 0) {
      auto trailer_end = buf.find("\r\n", pos);  // no trailers expected: just the CRLF
      return trailer_end == std::string::npos ? std::string::npos : trailer_end + 2;
    }
    if (buf.size() < pos + size + 2) {
      return std::string::npos;
    }
    out.append(buf, pos, size);
    pos += size + 2;
  }
}

}  // namespace

std::optional<HttpMessage> HttpParser::next() {
  auto head_end = m_buf.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    if (m_buf.size() > (64 << 10)) {
      m_error = true;
    }
    return std::nullopt;
  }
  HttpMessage m;
  auto lines = split(std::string_view(m_buf).substr(0, head_end), '\n');
  if (lines.empty()) {
    m_error = true;
    return std::nullopt;
  }
  auto first = split(std::string(trim(lines[0])), ' ');
  if (first.size() < 2) {
    m_error = true;
    return std::nullopt;
  }
  if (m_responses) {
    m.version = first[0];
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
    m.headers[to_lower(trim(std::string_view(lines[i]).substr(0, colon)))] =
        std::string(trim(std::string_view(lines[i]).substr(colon + 1)));
  }
  std::size_t body_start = head_end + 4;
  std::size_t consumed;
  if (to_lower(m.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
    bool bad = false;
    consumed = dechunk(m_buf, body_start, m.body, bad);
    if (bad) {
      m_error = true;
    }
    if (consumed == std::string::npos) {
      return std::nullopt;
    }
  } else {
    std::size_t len = std::strtoull(m.headers["content-length"].c_str(), nullptr, 10);
    if (m_buf.size() < body_start + len) {
      return std::nullopt;
    }
    m.body = m_buf.substr(body_start, len);
    consumed = body_start + len;
  }
  m_buf.erase(0, consumed);
  return m;
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
