// SPDX-License-Identifier: Apache-2.0
// One connection on the server's loop (server.hpp): read what the socket has, parse it with the
// RequestReader, hand each complete request over, write the answer at once, and ask the loop
// for write interest only when the socket's buffer is full.
#include <cerrno>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>

#include "server.hpp"
#include <sys/uio.h>

namespace fstage::serve::httpd {

void Server::on_readable(evutil_socket_t, short, void* arg) {
  Conn& c = *static_cast<Conn*>(arg);
  std::shared_ptr<Conn> keep = c.shared_from_this();  // a close below must not free it here
  c.server->read_from(c);
}

void Server::on_writable(evutil_socket_t, short, void* arg) {
  Conn& c = *static_cast<Conn*>(arg);
  std::shared_ptr<Conn> keep = c.shared_from_this();
  c.server->flush(c);
}

void Server::on_timer(evutil_socket_t, short, void* arg) {
  Conn& c = *static_cast<Conn*>(arg);
  std::shared_ptr<Conn> keep = c.shared_from_this();
  if (c.current != nullptr && c.out.empty()) {
    return;  // the handler has the request; its deadline is the gateway's
  }
  c.server->close_conn(c);
}

void Server::read_from(Conn& c) {
  char buf[64 * 1024];
  for (int i = 0; i < k_reads_per_wake && !c.dead && c.reading; ++i) {
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    }
    if (n <= 0) {
      client_closed(c, n < 0);
      return;
    }
    const std::string_view got(buf, static_cast<std::size_t>(n));
    if (c.current == nullptr) {
      arm_timer(c);  // a request on its way: the clock starts again with each piece
    }
    if (c.in.empty() && c.current == nullptr) {
      // The usual case: parsed straight from the buffer; only what is left is kept.
      const std::size_t used = feed(c, got);
      if (!c.dead && used < got.size()) {
        c.in.append(got.substr(used));
      }
    } else {
      c.in.append(got);
    }
    process(c);
    if (!c.dead && c.current != nullptr && c.in.size() > k_read_ahead) {
      set_reading(c, false);  // until the answer: pipelined requests wait in the socket
    }
    if (static_cast<std::size_t>(n) < sizeof buf) {
      return;  // a short read: the socket has nothing more now
    }
  }
}

void Server::client_closed(Conn& c, bool error) {
  if (c.current == nullptr || error || c.current->streaming) {
    close_conn(c);  // idle, broken, or a stream's reader gone
    return;
  }
  // A request whose client has sent all it will: its answer is still written.
  c.read_closed = true;
  set_reading(c, false);
}

std::size_t Server::feed(Conn& c, std::string_view data) {
  const std::size_t used = c.reader.feed(data);
  if (c.reader.take_continue()) {
    queue(c, "HTTP/1.1 100 Continue\r\n\r\n");
    flush(c);
  }
  if (const int status = c.reader.failed(); status != 0 && !c.dead) {
    set_reading(c, false);
    c.close_after = true;
    c.answer_done = true;
    queue(c, fstage::serve::httpd::error_answer(status));
    flush(c);
    return data.size();
  }
  if (c.reader.complete() && !c.dead) {
    dispatch(c, c.reader.take());
  }
  return used;
}

void Server::process(Conn& c) {
  if (c.processing) {
    return;  // an answer written from inside the loop below: the loop carries on
  }
  c.processing = true;
  while (!c.dead && c.current == nullptr && !c.in.empty() && c.reader.failed() == 0) {
    const std::size_t used = feed(c, c.in);
    if (c.dead) {
      break;
    }
    c.in.erase(0, used);
    if (used == 0) {
      break;
    }
  }
  c.processing = false;
}

void Server::dispatch(Conn& c, WireRequest w) {
  ::event_del(c.timer);
  c.answer_done = false;
  c.close_after = false;
  auto reply = std::make_shared<Reply>(m_mailbox, this, c.shared_from_this(), w);
  c.current = reply;
  m_pending.emplace(reply.get(), reply);
  HttpRequestData& d = w.data;
  d.remote_addr = c.peer;
  if (m_async && m_async(d, reply)) {
    return;
  }
  m_workers.run([this, reply, d = std::move(d)]() {
    HttpResponseData out;
    m_handler(d, out);
    reply->send(std::move(out));
  });
}

void Server::flush(Conn& c) {
  while (!c.dead && !c.out.empty()) {
    iovec iov[8];
    std::size_t k = 0;
    std::size_t off = c.out_off;
    for (auto it = c.out.begin(); it != c.out.end() && k < 8; ++it, ++k) {
      iov[k].iov_base = it->data() + off;
      iov[k].iov_len = it->size() - off;
      off = 0;
    }
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = k;
    ssize_t n = ::sendmsg(c.fd, &m, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ::event_add(c.writable, nullptr);
      arm_timer(c);  // the client has this long to take some of it
      return;
    }
    if (n < 0) {
      close_conn(c);  // EPIPE, ECONNRESET: the client has gone
      return;
    }
    auto left = static_cast<std::size_t>(n);
    c.out_bytes -= left;
    while (left > 0) {
      const std::size_t in_front = c.out.front().size() - c.out_off;
      if (left < in_front) {
        c.out_off += left;
        break;
      }
      left -= in_front;
      c.out.pop_front();
      c.out_off = 0;
    }
    if (!c.out.empty()) {
      arm_timer(c);  // progress: the clock starts again
    }
  }
  if (c.dead) {
    return;
  }
  ::event_del(c.writable);
  if (c.answer_done) {
    answered(c);
  } else if (c.current != nullptr) {
    ::event_del(c.timer);  // a stream between pieces, or a 100 Continue: the handler's turn
  }
}

void Server::answered(Conn& c) {
  c.answer_done = false;
  std::shared_ptr<Reply> done = std::move(c.current);
  if (done != nullptr) {
    finish(*done);
  }
  if (c.close_after || c.read_closed) {
    close_conn(c);
    return;
  }
  arm_timer(c);
  set_reading(c, true);
  process(c);
}

void Server::close_conn(Conn& c) {
  if (c.dead) {
    return;
  }
  c.dead = true;
  for (event* e : {c.readable, c.writable, c.timer}) {
    if (e != nullptr) {
      ::event_free(e);
    }
  }
  c.readable = c.writable = c.timer = nullptr;
  ::close(c.fd);
  if (std::shared_ptr<Reply> r = std::move(c.current)) {
    r->gone = true;
    if (!r->streaming) {
      finish(*r);  // its answer, when it comes, has nobody to go to
    }
  }
  m_conns.erase(&c);  // last: it may hold the last reference
}

void Server::set_reading(Conn& c, bool on) {
  if (c.reading != on && !c.dead) {
    c.reading = on;
    on ? ::event_add(c.readable, nullptr) : ::event_del(c.readable);
  }
}

void Server::arm_timer(Conn& c) {
  after_loop_ms(c.timer, std::chrono::seconds(m_options.keep_alive_timeout_s));
}

void Server::queue(Conn& c, std::string data) {
  c.out_bytes += data.size();
  c.out.push_back(std::move(data));
}

}  // namespace fstage::serve::httpd
