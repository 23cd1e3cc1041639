// SPDX-License-Identifier: Apache-2.0
// wire.hpp over http-parser 2.9: the parser's callbacks collect one request at a time and
// pause it once the request is complete, so that a pipelined request behind waits its turn.
#include "wire.hpp"

#include <cstring>
#include <ctime>
#include <http_parser.h>

namespace fstage::serve::httpd {

namespace {

// evhttp's limit, kept: a head over 256 KB gets 431.
constexpr std::uint32_t k_max_head = 256 * 1024;

bool allowed(unsigned method) {
  switch (method) {
    case HTTP_GET:
    case HTTP_POST:
    case HTTP_HEAD:
    case HTTP_PUT:
    case HTTP_DELETE:
    case HTTP_OPTIONS:
    case HTTP_PATCH:
      return true;
    default:
      return false;
  }
}

void rtrim(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// The Date header's value, made again once a second at most (the loop's thread alone writes
// heads; thread_local keeps another thread's unit test apart).
std::string_view http_date() {
  thread_local std::time_t cached_at = -1;
  thread_local char value[64];
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    if (std::strftime(value, sizeof value, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
      value[0] = '\0';
    }
    cached_at = now;
  }
  return value;
}

const char* reason(int status) {
  const char* r = ::http_status_str(static_cast<http_status>(status));
  return r == nullptr || r[0] == '<' ? "Unknown" : r;
}

}  // namespace

struct RequestReader::Parser {
  http_parser parser{};
  http_parser_settings settings{};
};

// http-parser's callbacks: non-zero stops the parser with an error (failed() says which).
struct ReaderCallbacks {
  static RequestReader& of(http_parser* p) { return *static_cast<RequestReader*>(p->data); }

  static int on_message_begin(http_parser* p) {
    of(p).m_started = true;
    return 0;
  }
  static int on_url(http_parser* p, const char* at, std::size_t n) {
    of(p).m_url.append(at, n);
    return 0;
  }
  static int on_header_field(http_parser* p, const char* at, std::size_t n) {
    RequestReader& r = of(p);
    if (r.m_in_value) {
      r.m_in_value = false;
      r.m_field.clear();
    }
    r.m_field.append(at, n);
    return 0;
  }
  static int on_header_value(http_parser* p, const char* at, std::size_t n) {
    RequestReader& r = of(p);
    auto& headers = r.m_request.data.headers;
    if (!r.m_in_value) {
      r.m_in_value = true;
      headers.emplace_back(r.m_field, std::string());
    }
    headers.back().second.append(at, n);
    return 0;
  }
  static int on_headers_complete(http_parser* p) {
    RequestReader& r = of(p);
    WireRequest& w = r.m_request;
    for (auto& [name, value] : w.data.headers) {
      rtrim(value);
    }
    if (!allowed(p->method)) {
      r.m_failed = 501;
      return -1;
    }
    w.data.method = ::http_method_str(static_cast<http_method>(p->method));
    w.head = p->method == HTTP_HEAD;
    w.http10 = p->http_major == 1 && p->http_minor == 0;
    http_parser_url u{};
    ::http_parser_url_init(&u);
    if (::http_parser_parse_url(r.m_url.data(), r.m_url.size(), 0, &u) != 0) {
      r.m_failed = 400;
      return -1;
    }
    auto field = [&](int f) -> std::string_view {
      if ((u.field_set & (1U << f)) == 0) {
        return {};
      }
      return std::string_view(r.m_url).substr(u.field_data[f].off, u.field_data[f].len);
    };
    const std::string_view path = field(UF_PATH);
    w.data.path = uri_decode(path.empty() ? "/" : path, false);
    w.data.query = parse_query(field(UF_QUERY));
    const bool sized = (p->flags & F_CONTENTLENGTH) != 0;
    if (sized && p->content_length > 4 * r.m_max_body) {
      r.m_failed = 413;  // refused before its body is read
      return -1;
    }
    const bool chunked = (p->flags & F_CHUNKED) != 0;
    if (!w.http10 && (chunked || (sized && p->content_length > 0))) {
      for (const auto& [name, value] : w.data.headers) {
        r.m_continue =
            r.m_continue || (equals_lower(name, "expect") && equals_lower(value, "100-continue"));
      }
    }
    return 0;
  }
  static int on_body(http_parser* p, const char* at, std::size_t n) {
    RequestReader& r = of(p);
    HttpRequestData& d = r.m_request.data;
    r.m_body_seen += n;
    if (r.m_body_seen > 4 * r.m_max_body) {
      r.m_failed = 413;  // a chunked body past the most read
      return -1;
    }
    if (r.m_body_seen > r.m_max_body) {
      if (!d.body_too_large) {
        d.body_too_large = true;
        std::string().swap(d.body);
      }
      return 0;
    }
    d.body.append(at, n);
    return 0;
  }
  static int on_message_complete(http_parser* p) {
    RequestReader& r = of(p);
    // An Upgrade the server does not speak: answered as a plain request, then closed.
    r.m_request.keep_alive = ::http_should_keep_alive(p) != 0 && p->upgrade == 0;
    r.m_complete = true;
    ::http_parser_pause(p, 1);
    return 0;
  }
};

RequestReader::RequestReader(std::size_t max_body)
    : m_parser(std::make_unique<Parser>()), m_max_body(max_body) {
  // http-parser's head limit is process-wide: set once, before the first reader parses.
  static const bool head_limit_set = [] {
    ::http_parser_set_max_header_size(k_max_head);
    return true;
  }();
  (void)head_limit_set;
  ::http_parser_init(&m_parser->parser, HTTP_REQUEST);
  m_parser->parser.data = this;
  http_parser_settings& s = m_parser->settings;
  ::http_parser_settings_init(&s);
  s.on_message_begin = &ReaderCallbacks::on_message_begin;
  s.on_url = &ReaderCallbacks::on_url;
  s.on_header_field = &ReaderCallbacks::on_header_field;
  s.on_header_value = &ReaderCallbacks::on_header_value;
  s.on_headers_complete = &ReaderCallbacks::on_headers_complete;
  s.on_body = &ReaderCallbacks::on_body;
  s.on_message_complete = &ReaderCallbacks::on_message_complete;
}

RequestReader::~RequestReader() = default;

std::size_t RequestReader::feed(std::string_view data) {
  if (m_complete || m_failed != 0 || data.empty()) {
    return 0;
  }
  http_parser& p = m_parser->parser;
  const std::size_t used = ::http_parser_execute(&p, &m_parser->settings, data.data(), data.size());
  const auto err = static_cast<http_errno>(p.http_errno);
  if (m_complete || err == HPE_OK) {
    return used;
  }
  if (m_failed == 0) {
    switch (err) {
      case HPE_HEADER_OVERFLOW:
        m_failed = 431;
        break;
      case HPE_INVALID_VERSION:
        m_failed = 505;
        break;
      default:
        m_failed = 400;
    }
  }
  return used;
}

WireRequest RequestReader::take() {
  WireRequest out = std::move(m_request);
  m_request = WireRequest();
  m_url.clear();
  m_field.clear();
  m_in_value = false;
  m_body_seen = 0;
  m_complete = false;
  m_started = false;
  m_continue = false;
  ::http_parser_pause(&m_parser->parser, 0);
  return out;
}

void write_head(std::string& out, int status,
                const std::vector<std::pair<std::string, std::string>>& headers, long long length,
                bool close, bool keep_alive_10, bool http10) {
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason(status);
  out += "\r\nDate: ";
  out += http_date();
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  const bool bodiless = status < 200 || status == 204 || status == 304;
  if (!bodiless && length >= 0) {
    out += "Content-Length: ";
    out += std::to_string(length);
    out += "\r\n";
  } else if (!bodiless && !http10) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (close) {
    out += "Connection: close\r\n";
  } else if (keep_alive_10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) {
    return;  // an empty chunk would end the body
  }
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out.append(size, static_cast<std::size_t>(n));
  out += data;
  out += "\r\n";
}

std::string error_answer(int status) {
  std::string body = reason(status);
  body += '\n';
  std::string out;
  write_head(out, status, {{"Content-Type", "text/plain"}}, static_cast<long long>(body.size()),
             true, false, false);
  return out + body;
}

bool equals_lower(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

bool is_framing_header(std::string_view name) {
  return equals_lower(name, "content-length") || equals_lower(name, "transfer-encoding") ||
         equals_lower(name, "connection");
}

bool header_is_safe(std::string_view name, std::string_view value) {
  auto clean = [](std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
  };
  return !name.empty() && name.find(':') == std::string_view::npos && clean(name) && clean(value);
}

std::string uri_decode(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus && c == '+' ? ' ' : c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    const std::size_t amp = q.find('&');
    std::string_view field = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const std::size_t eq = field.find('=');
    std::string_view key = field.substr(0, eq);
    if (key.empty()) {
      continue;
    }
    out.emplace_back(uri_decode(key, true), eq == std::string_view::npos
                                                ? std::string()
                                                : uri_decode(field.substr(eq + 1), true));
  }
  return out;
}

}  // namespace fstage::serve::httpd
