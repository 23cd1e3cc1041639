// SPDX-License-Identifier: Apache-2.0
// The debug port's forwarder: host 127.0.0.1:PORT -> 127.0.0.1:PORT in the sandbox's network.
// Like HttpFunctionTransport, it reaches the sandbox through Sandbox::connect_inside, so the
// sandbox keeps its own network namespace and gains no route to the host.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "debug_session.hpp"
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

namespace fstage::sandbox::detail {

namespace {

// A client waits this many retries (100 ms apart) for the debugger to listen: a JVM or Delve
// in a small sandbox can take seconds to get there.
constexpr int k_connect_tries = 600;

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Writes all of `data` to a non-blocking socket, waiting for room when it is full.
bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w > 0) {
      data += w;
      n -= static_cast<std::size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 5000) <= 0) {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

void close_pair(DebugForwarder::Pair& p) {
  if (p.client >= 0) {
    ::close(p.client);
  }
  if (p.inside >= 0) {
    ::close(p.inside);
  }
  p.client = p.inside = -1;
}

// Moves what `from` has to `to`; false when either end closed.
bool pump(int from, int to) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(from, buf, sizeof(buf), 0);
    if (n > 0) {
      if (!write_all(to, buf, static_cast<std::size_t>(n))) {
        return false;
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return true;
    }
    return false;  // end of stream or an error: the session is over
  }
}

}  // namespace

Expected<std::unique_ptr<DebugForwarder>> DebugForwarder::listen(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0) {
    return fail(Error::from_errno("socket", "debug port", errno));
  }
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(s, 4) != 0) {
    Error e = Error::from_errno("listen", "127.0.0.1:" + std::to_string(port), errno);
    ::close(s);
    e.code = ErrorCode::network;
    e.hint =
        "choose another port, or stop what holds it: ss -ltnp 'sport = :" + std::to_string(port) +
        "'";
    return fail(std::move(e));
  }
  std::unique_ptr<DebugForwarder> f(new DebugForwarder());
  f->m_listener = s;
  f->m_port = port;
  return f;
}

DebugForwarder::~DebugForwarder() {
  if (m_thread.joinable()) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    std::uint64_t one = 1;
    (void)!::write(m_wake, &one, sizeof(one));
    m_thread.join();
  }
  for (auto& p : m_handed) {
    close_pair(p);
  }
  for (auto& p : m_pending) {
    ::close(p.client);
  }
  for (int fd : {m_listener, m_wake}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

void DebugForwarder::add_pollfds(std::vector<pollfd>& fds) const {
  fds.push_back({m_listener, POLLIN, 0});
}

void DebugForwarder::hand_over(Pair p) {
  if (m_wake < 0) {
    m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wake < 0) {
      close_pair(p);
      return;
    }
    m_thread = std::thread([this] { relay(); });
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_handed.push_back(p);
  }
  std::uint64_t one = 1;
  (void)!::write(m_wake, &one, sizeof(one));
}

void DebugForwarder::relay() {
  std::vector<Pair> pairs;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({m_wake, POLLIN, 0});
    for (const auto& p : pairs) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.inside, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
      break;
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      Pair& p = pairs[i];
      bool open = true;
      if (fds[1 + 2 * i].revents != 0) {
        open = pump(p.client, p.inside);
      }
      if (open && fds[2 + 2 * i].revents != 0) {
        open = pump(p.inside, p.client);
      }
      if (!open) {
        close_pair(p);
      }
    }
    std::erase_if(pairs, [](const Pair& p) { return p.client < 0; });
    if (fds[0].revents != 0) {
      std::uint64_t n = 0;
      (void)!::read(m_wake, &n, sizeof(n));
      std::lock_guard<std::mutex> lock(m_mutex);
      if (m_stop) {
        break;
      }
      pairs.insert(pairs.end(), m_handed.begin(), m_handed.end());
      m_handed.clear();
    }
  }
  for (auto& p : pairs) {
    close_pair(p);
  }
}

void DebugForwarder::connect_pending(Sandbox& box) {
  for (std::size_t i = 0; i < m_pending.size();) {
    Pending& p = m_pending[i];
    auto fd = box.connect_inside(m_port);
    if (fd) {
      set_nonblocking(*fd);
      hand_over({p.client, *fd});
    } else if (fd.error().code == ErrorCode::network && ++p.tries < k_connect_tries) {
      ++i;  // the debugger is not listening yet: try again on the next pass
      continue;
    } else {
      ::close(p.client);  // the sandbox ended, or the debugger never listened
    }
    m_pending.erase(m_pending.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void DebugForwarder::on_poll(std::span<const pollfd> mine, Sandbox& box) {
  if (!mine.empty() && mine[0].revents != 0) {
    for (;;) {
      int c = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (c < 0) {
        break;
      }
      m_pending.push_back({c, 0});
    }
  }
  if (!m_pending.empty() && !box.ended()) {
    connect_pending(box);
  }
}

}  // namespace fstage::sandbox::detail
