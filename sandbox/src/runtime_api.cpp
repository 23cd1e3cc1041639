// SPDX-License-Identifier: Apache-2.0
#include "runtime_api.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/json.hpp>

#include <sys/socket.h>

namespace fstage::sandbox::detail {

namespace {

constexpr std::string_view k_next = "/v1/runtime/invocation/request";
constexpr std::string_view k_response = "/v1/runtime/invocation/response/";
constexpr std::string_view k_error = "/v1/runtime/invocation/error/";
constexpr std::string_view k_init_error = "/v1/runtime/init/error";
// fstage's own: the Java shim posts it before calling the initializer (see Reply::init_start).
constexpr std::string_view k_init_start = "/v1/runtime/init/start";

void nonblock(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

}  // namespace

RuntimeApiTransport::RuntimeApiTransport(int listen_fd) : m_listen(listen_fd) {
  nonblock(m_listen);
}

RuntimeApiTransport::~RuntimeApiTransport() {
  for (auto& c : m_conns) {
    if (c.fd >= 0) {
      ::close(c.fd);
    }
  }
  if (m_listen >= 0) {
    ::close(m_listen);
  }
}

void RuntimeApiTransport::send_invoke(const InvokeRequest& request, std::int64_t deadline_ms) {
  m_pending = request;
  m_deadline = deadline_ms;
  m_delivered = false;
  for (auto& c : m_conns) {
    if (c.waiting && !c.closed) {
      deliver(c);
      break;
    }
  }
}

void RuntimeApiTransport::deliver(Conn& c) {
  std::map<std::string, std::string> h = {
      {"Content-Type", "application/json"},
      {"X-Cff-Request-Id", m_pending->request_id},
      {"X-Cff-Invoke-Type", "sync"},
      {"X-Cff-Deadline-Ms", std::to_string(m_deadline)},
  };
  for (const auto& [k, v] : m_pending->headers) {
    h[k] = v;
  }
  c.out += http_response(200, "OK", h, m_pending->event);
  c.waiting = false;
  m_delivered = true;
  flush(c);
}

void RuntimeApiTransport::flush(Conn& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        c.closed = true;
      }
      return;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
}

void RuntimeApiTransport::add_pollfds(std::vector<pollfd>& fds) const {
  fds.push_back({m_listen, POLLIN, 0});
  for (const auto& c : m_conns) {
    short ev = POLLIN;
    if (!c.out.empty()) {
      ev |= POLLOUT;
    }
    fds.push_back({c.closed ? -1 : c.fd, ev, 0});
  }
}

void RuntimeApiTransport::accept_all() {
  for (;;) {
    int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    Conn c;
    c.fd = fd;
    m_conns.push_back(std::move(c));
  }
}

void RuntimeApiTransport::handle(Conn& c, const HttpMessage& m) {
  const std::string& t = m.target;
  auto reply = [&](int status, std::string_view reason, std::string_view body) {
    c.out += http_response(status, reason, {{"Content-Type", "application/json"}}, body);
  };
  auto id_matches = [&](std::string_view prefix) {
    return m_pending && t.substr(prefix.size()) == m_pending->request_id;
  };
  if (m.method == "GET" && t == k_next) {
    if (!m_ready) {
      m_ready = true;
      m_replies.push_back({Reply::ready, {}});
    }
    if (m_pending && !m_delivered) {
      deliver(c);
    } else {
      c.waiting = true;  // long poll until the next invocation
    }
  } else if (m.method == "POST" && t.starts_with(k_response) && id_matches(k_response)) {
    reply(202, "Accepted", R"({"status":"OK"})");
    m_replies.push_back({Reply::result, m.body});
    m_pending.reset();
  } else if (m.method == "POST" && t.starts_with(k_error) && id_matches(k_error)) {
    reply(202, "Accepted", R"({"status":"OK"})");
    m_replies.push_back({Reply::error, m.body});
    m_pending.reset();
  } else if (m.method == "POST" && t == k_init_start) {
    reply(202, "Accepted",
          Json{{"status", "OK"}, {"request_id", m_init_id}}.dump(-1, ' ', false,
                                                                 Json::error_handler_t::replace));
    m_replies.push_back({Reply::init_start, {}});
  } else if (m.method == "POST" && t == k_init_error) {
    reply(202, "Accepted", R"({"status":"OK"})");
    m_replies.push_back({Reply::init_error, m.body});
  } else if (t.starts_with(k_response) || t.starts_with(k_error)) {
    reply(400, "Bad Request", R"({"errorMessage":"unknown or finished request id"})");
  } else {
    reply(404, "Not Found", R"({"errorMessage":"no such runtime API path"})");
  }
}

void RuntimeApiTransport::serve(Conn& c) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(c.fd, buf, sizeof(buf));
    if (n > 0) {
      c.parser.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      c.closed = true;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    break;
  }
  while (auto m = c.parser.next()) {
    handle(c, *m);
  }
  if (c.parser.error()) {
    c.closed = true;
  }
  flush(c);
}

std::optional<Reply> RuntimeApiTransport::on_poll(std::span<const pollfd> mine) {
  if (!mine.empty() && mine[0].revents != 0) {
    accept_all();
  }
  // mine[1..] are the connections that were polled; any accepted just now come after them.
  std::size_t i = 1;
  for (auto& c : m_conns) {
    if (i < mine.size() && mine[i].revents != 0 && !c.closed) {
      serve(c);
    }
    ++i;
  }
  for (auto it = m_conns.begin(); it != m_conns.end();) {
    if (it->closed) {
      ::close(it->fd);
      it = m_conns.erase(it);
    } else {
      ++it;
    }
  }
  if (m_replies.empty()) {
    return std::nullopt;
  }
  Reply r = std::move(m_replies.front());
  m_replies.pop_front();
  return r;
}

std::optional<Reply> RuntimeApiTransport::drain() {
  accept_all();
  for (auto& c : m_conns) {
    if (!c.closed) {
      serve(c);
    }
  }
  if (m_replies.empty()) {
    return Reply{Reply::closed, {}};
  }
  Reply r = std::move(m_replies.front());
  m_replies.pop_front();
  return r;
}

}  // namespace fstage::sandbox::detail
