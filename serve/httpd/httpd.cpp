// SPDX-License-Identifier: Apache-2.0
// fstage-httpd.so: fstage::serve::HttpServer, its connections driven by one libevent loop and
// read with http-parser (wire.hpp). http_server.hpp says why it is a module of its own.
//
// One thread runs the event loop: it accepts, reads, parses and writes every connection, and
// hands each request to the asynchronous handler (a function's route: no thread of the
// server's is held while the function runs) or else to a worker thread running the
// synchronous handler. Answers come back to the loop through one queue and an eventfd: a
// wake-up carries every answer that is ready, not one.
//
// Why not evhttp any more (bench/PROFILE.md, session 16): per request it asked the kernel for
// the bytes waiting (FIONREAD) before every read, and turned a connection's write interest on
// and off around every answer; with the epoll calls that made five system calls where one read
// and one write do. Here a connection's read interest is set once, an answer is written at
// once, and write interest is asked for only when the socket's buffer is full.
//
// Why not cpp-httplib's thread per connection: each request then costs two thread hand-overs
// of its own (bench/serve-arch measures it), and on a 2-core machine at 16 connections that
// halves the throughput.
//
// The rules this file keeps: a connection answers its requests one at a time, in order (a
// pipelined request waits, unparsed, until the one before is answered); everything about a
// connection is touched on the loop's thread alone. A request counts as answered once its
// answer is written (or its connection gone), not when it is queued: stop() must not close a
// connection with an answer still in its buffer.
#include <cerrno>
#include <netdb.h>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "server.hpp"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

namespace fstage::serve::httpd {

bool Server::init() {
  m_base = ::event_base_new();
  if (m_base == nullptr || m_mailbox->fd() < 0) {
    return false;
  }
  m_wake = ::event_new(m_base, m_mailbox->fd(), EV_READ | EV_PERSIST, &Server::on_wake, this);
  return m_wake != nullptr && ::event_add(m_wake, nullptr) == 0;
}

Server::~Server() {
  m_mailbox->close();  // late answers are dropped from here on
  close_listener();
  while (!m_conns.empty()) {
    close_conn(*m_conns.begin()->second);
  }
  for (auto& [reply, keep] : m_pending) {
    reply->cancel_deadline();
  }
  m_pending.clear();
  if (m_wake != nullptr) {
    ::event_free(m_wake);
  }
  if (m_base != nullptr) {
    ::event_base_free(m_base);
  }
}

int Server::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0) {
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);  // never SO_REUSEPORT
    // Linux gives accepted sockets the listener's TCP_NODELAY: an answer goes out at once.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  m_listen_fd = fd;
  m_accepting = ::event_new(m_base, fd, EV_READ | EV_PERSIST, &Server::on_accept, this);
  m_accept_pause = ::event_new(m_base, -1, 0, &Server::on_accept_pause, this);
  if (m_accepting == nullptr || m_accept_pause == nullptr ||
      ::event_add(m_accepting, nullptr) != 0) {
    close_listener();
    return -1;
  }
  return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void Server::listen() {
  m_mailbox->set_loop_thread();
  ::event_base_dispatch(m_base);
  m_mailbox->close();
}

void Server::stop() {
  m_stop_requested = true;  // streams end at their next turn
  m_mailbox->post([this] {
    m_stopping = true;
    close_listener();  // connections are refused from here on
    end_if_done();
  });
}

void Server::deliver(Reply& reply, HttpResponseData response) {
  reply.cancel_deadline();
  std::shared_ptr<Conn> c = reply.conn();
  if (c == nullptr || c->dead || c->current.get() != &reply) {
    finish(reply);  // the client has gone: nobody to write to
    return;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(response.headers.size() + 1);
  bool typed = false;
  for (auto& [k, v] : response.headers) {
    // The framing is the server's to write; a name or value that would split the head is
    // dropped.
    if (fstage::serve::httpd::is_framing_header(k) || !fstage::serve::httpd::header_is_safe(k, v)) {
      continue;
    }
    typed = typed || fstage::serve::httpd::equals_lower(k, "content-type");
    headers.emplace_back(std::move(k), std::move(v));
  }
  if (!typed && (response.stream || !response.body.empty())) {
    headers.emplace_back("Content-Type", "text/plain");
  }
  const bool close = m_stopping || !reply.keep_alive || c->read_closed;
  std::string head;
  const long long length = response.stream ? -1 : static_cast<long long>(response.body.size());
  fstage::serve::httpd::write_head(head, response.status, headers, length,
                                   close || (response.stream && reply.http10),
                                   reply.http10 && !close, reply.http10);
  c->close_after = close;
  if (response.stream) {
    queue(*c, std::move(head));
    start_stream(reply, std::move(response.stream));
    flush(*c);
    return;
  }
  const bool bodiless =
      reply.head || response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless && response.body.size() <= k_inline_body) {
    head += response.body;
    queue(*c, std::move(head));
  } else {
    queue(*c, std::move(head));
    if (!bodiless && !response.body.empty()) {
      queue(*c, std::move(response.body));  // a 6 MB body is not copied
    }
  }
  c->answer_done = true;
  flush(*c);
}

namespace {

// Adds the timer `ev` to fire `after` from now (libevent's now).
void add_after(event* ev, std::chrono::microseconds after) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(after.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(after.count() % 1000000);
  ::event_add(ev, &tv);
}

}  // namespace

void Server::after_loop_ms(event* ev, std::chrono::milliseconds after) {
  add_after(ev, after);
}

bool Server::due_at(event* ev, std::chrono::steady_clock::time_point due) {
  const auto left =
      std::chrono::ceil<std::chrono::microseconds>(due - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return true;
  }
  add_after(ev, left);
  return false;
}

void Server::finish(Reply& reply) {
  m_pending.erase(&reply);
  end_if_done();
}

void Server::on_wake(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Server*>(arg);
  for (auto& fn : self->m_mailbox->take()) {
    fn();
  }
}

void Server::on_accept(evutil_socket_t fd, short, void* arg) {
  auto* self = static_cast<Server*>(arg);
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int s =
        ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (s < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: the listener would wake the loop again at once. Pause it for a
        // moment; the clients wait in the backlog meanwhile.
        ::event_del(self->m_accepting);
        self->after_loop_ms(self->m_accept_pause, std::chrono::milliseconds(100));
      }
      return;  // EAGAIN: all taken; ECONNABORTED and the like: that client only
    }
    self->open_conn(s, peer);
  }
}

void Server::on_accept_pause(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Server*>(arg);
  if (self->m_accepting != nullptr) {
    ::event_add(self->m_accepting, nullptr);
  }
}

void Server::open_conn(int fd, const sockaddr_storage& peer) {
  auto c = std::make_shared<Conn>(this, fd, m_options.max_body);
  char address[INET6_ADDRSTRLEN] = "";
  if (peer.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, address,
                sizeof address);
  } else if (peer.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr, address,
                sizeof address);
  }
  c->peer = address;
  c->readable = ::event_new(m_base, fd, EV_READ | EV_PERSIST, &Server::on_readable, c.get());
  c->writable = ::event_new(m_base, fd, EV_WRITE | EV_PERSIST, &Server::on_writable, c.get());
  c->timer = ::event_new(m_base, -1, 0, &Server::on_timer, c.get());
  m_conns.emplace(c.get(), c);
  if (c->readable == nullptr || c->writable == nullptr || c->timer == nullptr) {
    close_conn(*c);
    return;
  }
  set_reading(*c, true);
  arm_timer(*c);
}

void Server::close_listener() {
  for (event** e : {&m_accepting, &m_accept_pause}) {
    if (*e != nullptr) {
      ::event_free(*e);
      *e = nullptr;
    }
  }
  if (m_listen_fd >= 0) {
    ::close(m_listen_fd);
    m_listen_fd = -1;
  }
}

void Server::end_if_done() {
  if (m_stopping && m_pending.empty() && m_watches_set == 0) {
    ::event_base_loopbreak(m_base);
  }
}

void Server::start_stream(Reply& reply, fstage::serve::HttpStream stream) {
  reply.streaming = true;
  std::shared_ptr<Reply> self = reply.shared_from_this();
  std::shared_ptr<Mailbox> mailbox = m_mailbox;
  m_workers.run([this, self, mailbox, stream = std::move(stream)] {
    auto write = [&](std::string_view data) {
      if (self->gone) {
        return false;
      }
      return mailbox->post([this, self, piece = std::string(data)] {
        std::shared_ptr<Conn> to = self->conn();
        if (self->gone || to == nullptr || to->dead) {
          return;
        }
        if (to->out_bytes > k_stream_backlog) {
          close_conn(*to);  // the client stopped reading
          return;
        }
        std::string chunk;
        if (self->http10) {
          chunk = piece;
        } else {
          fstage::serve::httpd::append_chunk(chunk, piece);
        }
        queue(*to, std::move(chunk));
        flush(*to);
      });
    };
    while (!self->gone && !m_stop_requested && stream(write)) {
    }
    mailbox->post([this, self] {
      self->streaming = false;
      std::shared_ptr<Conn> to = self->conn();
      if (self->gone || to == nullptr || to->dead) {
        finish(*self);
        return;
      }
      if (!self->http10) {
        queue(*to, std::string(fstage::serve::httpd::k_last_chunk));
      } else {
        to->close_after = true;  // an HTTP/1.0 stream ends with its connection
      }
      to->answer_done = true;
      flush(*to);
    });
  });
}

bool Reply::send(HttpResponseData response) {
  if (m_sent.exchange(true)) {
    return false;
  }
  if (m_mailbox->on_loop()) {
    m_server->deliver(*this, std::move(response));
    return true;
  }
  std::shared_ptr<Reply> self = shared_from_this();
  m_mailbox->post([self, response = std::move(response)]() mutable {
    self->m_server->deliver(*self, std::move(response));
  });
  return true;
}

void Reply::deadline(std::chrono::milliseconds after, std::function<void()> late) {
  if (m_sent || m_timer != nullptr) {
    return;
  }
  m_late = std::move(late);
  m_timer = ::event_new(m_server->base(), -1, 0, &Reply::on_deadline, this);
  if (m_timer != nullptr) {
    m_due = std::chrono::steady_clock::now() + after;
    Server::due_at(m_timer, m_due);
  }
}

void Reply::cancel_deadline() {
  if (m_timer != nullptr) {
    ::event_free(m_timer);
    m_timer = nullptr;
  }
  m_late = nullptr;
}

void Reply::on_deadline(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Reply*>(arg);
  if (!Server::due_at(self->m_timer, self->m_due)) {
    return;  // early by libevent's clock: re-armed for the rest
  }
  std::shared_ptr<Reply> keep = self->shared_from_this();  // send() may finish the request
  std::function<void()> late = std::move(self->m_late);
  ::event_free(self->m_timer);  // a one-shot timer that has fired: freed in its callback
  self->m_timer = nullptr;
  if (!self->m_sent && late) {
    late();
  }
}

}  // namespace fstage::serve::httpd

extern "C" fstage::serve::HttpServer* fstage_httpd_create_v3(
    const fstage::serve::HttpServerOptions* options, fstage::serve::HttpHandler* handler,
    fstage::serve::HttpAsyncHandler* async) {
  auto server = std::make_unique<fstage::serve::httpd::Server>(
      *options, *handler, async != nullptr ? *async : fstage::serve::HttpAsyncHandler());
  if (!server->init()) {
    return nullptr;
  }
  return server.release();
}
