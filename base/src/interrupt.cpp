// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <unistd.h>

#include <fstage/base/interrupt.hpp>

#include <sys/eventfd.h>

namespace fstage {

CancelFlag::CancelFlag() : m_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CancelFlag::~CancelFlag() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void CancelFlag::raise() noexcept {
  if (m_raised.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (m_fd >= 0) {
    const int saved = errno;
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(m_fd, &one, sizeof one);
    errno = saved;
  }
}

void CancelFlag::clear() noexcept {
  if (m_fd >= 0) {
    std::uint64_t value = 0;
    [[maybe_unused]] ssize_t n = ::read(m_fd, &value, sizeof value);
  }
  m_raised.store(false, std::memory_order_release);
}

namespace {

// Made once and never destroyed: a handler may run while the process exits.
struct State {
  CancelFlag first;
  CancelFlag second;
  std::atomic<int> count{0};
  std::atomic<int> signal{0};
  std::mutex mutex;  // scopes
  int scopes = 0;
  struct sigaction old_int {};
  struct sigaction old_term {};
};

std::atomic<State*> g_state{nullptr};

State& state() {
  static State* s = [] {
    auto* made = new State;
    g_state.store(made, std::memory_order_release);
    return made;
  }();
  return *s;
}

extern "C" void on_interrupt(int sig) {
  note_interrupt(sig);
}

void say(const char* text) {
  std::size_t n = std::strlen(text);
  while (n > 0) {
    ssize_t w = ::write(2, text, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      return;
    }
    text += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

void note_interrupt(int sig) noexcept {
  State* s = g_state.load(std::memory_order_acquire);
  if (s == nullptr) {
    return;
  }
  const int n = s->count.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (n == 1) {
    s->signal.store(sig, std::memory_order_release);
    s->first.raise();
  } else if (n == 2) {
    s->second.raise();
  } else {
    // The clean-up the first two set off has hung: give up on it.
    say("fstage: interrupted again: exiting without cleaning up\n");
    ::_exit(130);
  }
}

InterruptScope::InterruptScope() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.scopes++ > 0) {
    return;
  }
  s.count.store(0, std::memory_order_release);
  s.signal.store(0, std::memory_order_release);
  s.first.clear();
  s.second.clear();
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the flag is seen
  ::sigaction(SIGINT, &sa, &s.old_int);
  ::sigaction(SIGTERM, &sa, &s.old_term);
}

InterruptScope::~InterruptScope() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (--s.scopes > 0) {
    return;
  }
  ::sigaction(SIGINT, &s.old_int, nullptr);
  ::sigaction(SIGTERM, &s.old_term, nullptr);
  // The signals belonged to the command that ends here: code that runs next, outside any scope
  // (a test after a test, a library caller), must not find itself interrupted.
  s.count.store(0, std::memory_order_release);
  s.signal.store(0, std::memory_order_release);
  s.first.clear();
  s.second.clear();
}

int interrupt_count() noexcept {
  State* s = g_state.load(std::memory_order_acquire);
  return s == nullptr ? 0 : s->count.load(std::memory_order_acquire);
}

int interrupt_signal() noexcept {
  State* s = g_state.load(std::memory_order_acquire);
  return s == nullptr ? 0 : s->signal.load(std::memory_order_acquire);
}

const CancelFlag& interrupt_flag() {
  return state().first;
}

const CancelFlag& second_interrupt_flag() {
  return state().second;
}

bool sleep_unless_interrupted(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  const int fd = interrupt_flag().fd();
  while (!interrupted()) {
    // Rounded up: poll(2) takes whole milliseconds, and a sleep must not end early.
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd, POLLIN, 0};
    // Without a descriptor, poll(2) on none still sleeps: look at the flag every 50 ms.
    const auto wait = fd >= 0 ? left.count() : std::min<std::int64_t>(left.count(), 50);
    ::poll(&p, fd >= 0 ? 1 : 0, static_cast<int>(wait));
  }
  return true;
}

Error interrupted_error() {
  const int sig = interrupt_signal();
  const char* name = sig != 0 ? sigabbrev_np(sig) : nullptr;
  return Error(ErrorCode::interrupted,
               name != nullptr ? std::string("interrupted by SIG") + name : "interrupted");
}

}  // namespace fstage
