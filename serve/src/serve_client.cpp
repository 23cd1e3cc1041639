// SPDX-License-Identifier: Apache-2.0
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <fstage/serve/serve_client.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace fstage::serve {

namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  explicit Socket(int fd) : m_fd(fd) {}
  ~Socket() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return m_fd; }

 private:
  int m_fd;
};

Unexpected net_error(const ServeAddress& at, const std::string& what) {
  return fail(ErrorCode::network, "cannot read from fstage serve at " + at.url + ": " + what,
              "is `fstage serve` still running? (--url names another one)");
}

Expected<int> connect_to(const ServeAddress& at, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(at.port);
  if (int rc = ::getaddrinfo(at.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return net_error(at, std::string("cannot resolve ") + at.host + ": " + ::gai_strerror(rc));
  }
  int err = ECONNREFUSED;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int so_error = 0;
      socklen_t len = sizeof(so_error);
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error == 0) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        ::freeaddrinfo(found);
        return fd;
      }
      err = so_error != 0 ? so_error : ETIMEDOUT;
    } else {
      err = errno;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return net_error(at, std::strerror(err));
}

// Reads what is there, waiting up to `wait`: false on EOF or an error (errno kept), true with
// `out` grown (maybe by nothing, when the wait ended).
bool read_some(int fd, std::string& out, std::chrono::milliseconds wait, bool& eof) {
  pollfd p{fd, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (r < 0) {
    return errno == EINTR;
  }
  if (r == 0) {
    return true;
  }
  char buf[16384];
  ssize_t n = ::read(fd, buf, sizeof(buf));
  if (n < 0) {
    return errno == EAGAIN || errno == EINTR;
  }
  if (n == 0) {
    eof = true;
    return true;
  }
  out.append(buf, static_cast<std::size_t>(n));
  return true;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 2000) != 1) {
      return false;
    }
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct Head {
  int status = 0;
  bool chunked = false;
  long long length = -1;
};

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) {
      return false;
    }
  }
  return true;
}

Head parse_head(std::string_view head) {
  Head h;
  if (head.size() > 12 && head.starts_with("HTTP/1.")) {
    h.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  }
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t end = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, end == std::string_view::npos ? head.npos : end - pos - 2);
    if (iequals_prefix(line, "transfer-encoding:") &&
        line.find("chunked") != std::string_view::npos) {
      h.chunked = true;
    } else if (iequals_prefix(line, "content-length:")) {
      h.length = std::atoll(std::string(line.substr(15)).c_str());
    }
    pos = end;
  }
  return h;
}

// Takes the whole chunks from `raw` into `body`; true once the last chunk (size 0) is read.
bool take_chunks(std::string& raw, std::string& body) {
  while (true) {
    auto eol = raw.find("\r\n");
    if (eol == std::string::npos) {
      return false;
    }
    const std::size_t size = std::strtoul(raw.substr(0, eol).c_str(), nullptr, 16);
    if (size == 0) {
      return true;
    }
    if (raw.size() < eol + 2 + size + 2) {
      return false;
    }
    body.append(raw, eol + 2, size);
    raw.erase(0, eol + 2 + size + 2);
  }
}

// Sends the request and reads up to the end of the headers; `rest` holds what came after.
Expected<Head> request(const ServeAddress& at, int fd, const std::string& target, std::string& rest,
                       std::chrono::milliseconds timeout, bool stream,
                       const std::string& method = "GET", std::string_view body = {},
                       const std::string& content_type = {}) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + at.host + ":" +
                    std::to_string(at.port) +
                    "\r\nAccept: " + (stream ? "text/event-stream" : "application/json") +
                    "\r\nConnection: close\r\nUser-Agent: fstage\r\n";
  if (method != "GET") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!content_type.empty()) {
      req += "Content-Type: " + content_type + "\r\n";
    }
  }
  req += "\r\n";
  if (!send_all(fd, req) || !send_all(fd, body)) {
    return net_error(at, std::strerror(errno));
  }
  const auto deadline = Clock::now() + timeout;
  std::string raw;
  while (true) {
    auto end = raw.find("\r\n\r\n");
    if (end != std::string::npos) {
      rest = raw.substr(end + 4);
      return parse_head(std::string_view(raw).substr(0, end));
    }
    bool eof = false;
    if (!read_some(fd, raw, std::chrono::milliseconds(100), eof)) {
      return net_error(at, std::strerror(errno));
    }
    if (eof) {
      return net_error(at, "the connection closed before an answer");
    }
    if (Clock::now() > deadline) {
      return net_error(at, "no answer within " + std::to_string(timeout.count()) + " ms");
    }
  }
}

}  // namespace

Expected<ServeAddress> parse_serve_url(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return fail(ErrorCode::usage, "--url " + std::string(url) + ": fstage serve speaks http://",
                "give it as http://127.0.0.1:8080");
  }
  rest = rest.substr(0, rest.find('/'));
  ServeAddress a;
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with("[")) {  // [::1]:8080
    auto close = rest.find(']');
    host = rest.substr(1, close == std::string_view::npos ? rest.npos : close - 1);
    if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':') {
      port = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  a.host = std::string(host);
  if (!port.empty()) {
    a.port = std::atoi(std::string(port).c_str());
  }
  if (a.host.empty() || a.port <= 0 || a.port > 65535) {
    return fail(ErrorCode::usage, "--url " + std::string(url) + " is not an address",
                "give it as http://127.0.0.1:8080");
  }
  a.url = "http://" + std::string(rest);
  return a;
}

Expected<ServeAnswer> serve_send(const ServeAddress& at, const std::string& method,
                                 const std::string& target, std::string_view body,
                                 const std::string& content_type,
                                 std::chrono::milliseconds timeout) {
  Socket s(FSTAGE_TRY(connect_to(at, timeout)));
  std::string raw;
  Head h = FSTAGE_TRY(request(at, s.fd(), target, raw, timeout, false, method, body, content_type));
  const auto deadline = Clock::now() + timeout;
  ServeAnswer answer;
  answer.status = h.status;
  while (true) {
    if (h.chunked ? take_chunks(raw, answer.body)
                  : (h.length >= 0 && raw.size() >= static_cast<std::size_t>(h.length))) {
      break;
    }
    bool eof = false;
    if (!read_some(s.fd(), raw, std::chrono::milliseconds(100), eof)) {
      return net_error(at, std::strerror(errno));
    }
    if (eof) {
      break;  // Connection: close, no length: the body is what came
    }
    if (Clock::now() > deadline) {
      return net_error(at, "no whole answer within " + std::to_string(timeout.count()) + " ms");
    }
  }
  if (!h.chunked) {
    answer.body = h.length >= 0 ? raw.substr(0, static_cast<std::size_t>(h.length)) : raw;
  }
  return answer;
}

Expected<std::string> serve_get(const ServeAddress& at, const std::string& target,
                                std::chrono::milliseconds timeout) {
  ServeAnswer a = FSTAGE_TRY(serve_send(at, "GET", target, {}, {}, timeout));
  if (a.status != 200) {
    return fail(ErrorCode::remote,
                "fstage serve at " + at.url + " answered " + std::to_string(a.status) + " to " +
                    target + ": " + a.body.substr(0, 300),
                "is the program at that address fstage serve (with a console: fstage 0.20+)?");
  }
  return std::move(a.body);
}

Expected<void> serve_follow(
    const ServeAddress& at, const std::string& target,
    const std::function<void(std::string_view type, std::string_view data)>& on_event,
    const std::function<bool()>& stop) {
  Socket s(FSTAGE_TRY(connect_to(at, std::chrono::milliseconds(3000))));
  std::string raw;
  Head h = FSTAGE_TRY(request(at, s.fd(), target, raw, std::chrono::milliseconds(3000), true));
  if (h.status != 200) {
    return fail(
        ErrorCode::remote,
        "fstage serve at " + at.url + " answered " + std::to_string(h.status) + " to " + target,
        h.status == 503 ? "it is stopping, or has too many open event streams"
                        : "is the program at that address fstage serve?");
  }
  std::string text;  // the event stream's text, decoded from its chunks
  std::string type = "message";
  std::string data;
  bool ended = false;
  while (!ended) {
    if (h.chunked) {
      ended = take_chunks(raw, text);
    } else {
      text += raw;
      raw.clear();
    }
    // Whole lines: "event: T", "data: D", a blank line ends the event, ":" a comment.
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(text.data() + start, nl - start);
      if (line.ends_with('\r')) {
        line.remove_suffix(1);
      }
      if (line.empty()) {
        if (!data.empty()) {
          on_event(type, data);
        }
        type = "message";
        data.clear();
      } else if (line.starts_with("event:")) {
        type = std::string(line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6));
      } else if (line.starts_with("data:")) {
        if (!data.empty()) {
          data += '\n';
        }
        data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      }
    }
    text.erase(0, start);
    if (ended || stop()) {
      break;
    }
    bool eof = false;
    if (!read_some(s.fd(), raw, std::chrono::milliseconds(100), eof)) {
      return net_error(at, std::strerror(errno));
    }
    if (eof) {
      break;  // serve closed the stream: it stopped
    }
  }
  return {};
}

}  // namespace fstage::serve
