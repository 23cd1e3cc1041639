// SPDX-License-Identifier: Apache-2.0
// LoopWatch on the server's libevent loop (server.hpp): descriptors a caller waits on without a
// thread of its own, a pool's instances driven from the loop.
#include <algorithm>
#include <chrono>
#include <memory>

#include "server.hpp"

namespace fstage::serve::httpd {

std::shared_ptr<fstage::serve::LoopWatch> Server::watch(fstage::serve::LoopWatch::Ready ready) {
  auto w = std::make_shared<Watch>(this, std::move(ready));
  if (!w->init()) {
    return nullptr;
  }
  return w;
}

void Server::watch_set(bool on) {
  m_watches_set += on ? 1 : -1;
  if (!on) {
    end_if_done();
  }
}

bool Watch::init() {
  event_base* base = m_server->base();
  m_fire = ::event_new(base, -1, 0, &Watch::on_fire, this);
  if (m_fire != nullptr) {
    m_timer = ::event_new(base, -1, 0, &Watch::on_time, this);
  }
  return m_fire != nullptr && m_timer != nullptr;
}

Watch::~Watch() {
  clear();
  for (event* e : {m_timer, m_fire}) {
    if (e != nullptr) {
      ::event_free(e);
    }
  }
}

void Watch::set(const std::vector<pollfd>& fds, std::chrono::steady_clock::time_point wake_at) {
  // What is wanted: one event per descriptor (stdout and stderr may be one pipe).
  Entry wanted[16];
  std::size_t n = 0;
  for (const pollfd& p : fds) {
    if (p.fd < 0) {
      continue;
    }
    const short what = static_cast<short>(((p.events & POLLOUT) != 0 ? EV_WRITE : 0) |
                                          ((p.events & POLLIN) != 0 ? EV_READ : 0));
    Entry* same = std::find_if(wanted, wanted + n, [&](const Entry& e) { return e.fd == p.fd; });
    if (same != wanted + n) {
      same->what = static_cast<short>(same->what | what);
    } else if (n < std::size(wanted)) {
      wanted[n++] = Entry{p.fd, what != 0 ? what : static_cast<short>(EV_READ), nullptr};
    }
  }
  // Those already there as wanted stay; the others go; the new ones come.
  std::erase_if(m_entries, [&](Entry& e) {
    const bool keep = std::any_of(wanted, wanted + n,
                                  [&](const Entry& w) { return w.fd == e.fd && w.what == e.what; });
    if (!keep) {
      ::event_free(e.ev);
    }
    return !keep;
  });
  for (std::size_t i = 0; i < n; ++i) {
    const Entry& w = wanted[i];
    if (std::none_of(m_entries.begin(), m_entries.end(),
                     [&](const Entry& e) { return e.fd == w.fd; })) {
      event* ev = ::event_new(m_server->base(), w.fd, static_cast<short>(w.what | EV_PERSIST),
                              &Watch::on_fd, this);
      if (ev != nullptr && ::event_add(ev, nullptr) == 0) {
        m_entries.push_back(Entry{w.fd, w.what, ev});
      } else if (ev != nullptr) {
        ::event_free(ev);
        ::event_active(m_fire, EV_TIMEOUT, 1);  // the caller looks again rather than never
      }
    }
  }
  if (wake_at == std::chrono::steady_clock::time_point::max()) {
    ::event_del(m_timer);
  } else {
    m_due = wake_at;
    if (Server::due_at(m_timer, m_due)) {
      timeval now{};  // already come: on the loop's next turn, after what else is ready
      ::event_add(m_timer, &now);
    }
  }
  if (!m_set) {
    m_set = true;
    m_server->watch_set(true);
  }
}

void Watch::clear() {
  for (Entry& e : m_entries) {
    ::event_free(e.ev);
  }
  m_entries.clear();
  m_fired.clear();
  if (m_timer != nullptr) {
    ::event_del(m_timer);
  }
  if (m_fire != nullptr) {
    ::event_del(m_fire);  // a turn's pending `ready` too
  }
  if (m_set) {
    m_set = false;
    m_server->watch_set(false);
  }
}

void Watch::on_fd(evutil_socket_t fd, short what, void* arg) {
  auto* self = static_cast<Watch*>(arg);
  const short revents = static_cast<short>(((what & EV_READ) != 0 ? POLLIN : 0) |
                                           ((what & EV_WRITE) != 0 ? POLLOUT : 0));
  auto same = std::find_if(self->m_fired.begin(), self->m_fired.end(),
                           [&](const pollfd& p) { return p.fd == fd; });
  if (same != self->m_fired.end()) {
    same->revents = static_cast<short>(same->revents | revents);
  } else {
    self->m_fired.push_back(pollfd{fd, 0, revents});
  }
  ::event_active(self->m_fire, EV_READ, 1);
}

void Watch::on_time(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Watch*>(arg);
  if (Server::due_at(self->m_timer, self->m_due)) {
    ::event_active(self->m_fire, EV_TIMEOUT, 1);
  }
}

void Watch::on_fire(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Watch*>(arg);
  if (!self->m_set) {
    return;
  }
  std::shared_ptr<Watch> keep = self->shared_from_this();  // `ready` may drop the caller's
  self->m_handed.clear();
  self->m_handed.swap(self->m_fired);
  self->m_ready(self->m_handed);
}

}  // namespace fstage::serve::httpd
