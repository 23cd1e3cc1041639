// SPDX-License-Identifier: Apache-2.0
// Time and stopping. Virtual time is not a global clock: each line of execution (the flow, a
// branch, an iteration) carries the milliseconds its sleeps skipped, so two branches that
// each sleep an hour end an hour later, not two (flow/SEMANTICS.md).
#include <algorithm>
#include <cstdio>
#include <poll.h>
#include <unistd.h>

#include <fstage/base/numbers.hpp>

#include "engine_internal.hpp"
#include <sys/eventfd.h>

namespace fstage::flow::detail {

Clock::Clock() : m_start(std::chrono::steady_clock::now()) {
  m_start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
}

std::int64_t Clock::now_ms(std::int64_t virtual_ms) const {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - m_start)
                     .count();
  return m_start_ms + elapsed + virtual_ms;
}

double Clock::elapsed_ms() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start)
      .count();
}

StopToken::StopToken(const StopToken* parent) : m_parent(parent) {
  // Without an eventfd (fd limit reached) the group still stops between states; only a
  // running invocation is then left to finish.
  m_event_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::lock_guard lock(parent->m_children_mutex);
  parent->m_children.push_back(this);
  if (parent->m_raised.load(std::memory_order_acquire)) {
    raise();
  }
}

StopToken::~StopToken() {
  if (m_parent != nullptr) {
    std::lock_guard lock(m_parent->m_children_mutex);
    auto& siblings = m_parent->m_children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), this), siblings.end());
  }
  if (m_event_fd >= 0) {
    ::close(m_event_fd);
  }
}

void StopToken::raise() const {
  if (m_raised.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  if (m_event_fd >= 0) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_event_fd, &one, sizeof(one));
  }
  std::lock_guard lock(m_children_mutex);
  for (const StopToken* child : m_children) {
    child->raise();
  }
}

int StopToken::group_fd() const {
  for (const StopToken* t = this; t != nullptr; t = t->m_parent) {
    if (t->m_event_fd >= 0) {
      return t->m_event_fd;
    }
  }
  return -1;
}

bool StopToken::run_cancelled() const {
  if (m_parent != nullptr) {
    return m_parent->run_cancelled();
  }
  if (m_fd < 0) {
    return false;
  }
  // Once seen, the fd stays readable (CancelFlag never lowers itself during a run): remember
  // it and spare the syscalls.
  if (m_fd_seen.load(std::memory_order_acquire)) {
    return true;
  }
  pollfd p{m_fd, POLLIN, 0};
  if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    m_fd_seen.store(true, std::memory_order_release);
    return true;
  }
  return false;
}

bool StopToken::stopped() const {
  for (const StopToken* t = this; t != nullptr; t = t->m_parent) {
    if (t->m_raised.load(std::memory_order_acquire)) {
      return true;
    }
  }
  return run_cancelled();
}

int StopToken::cancel_fd() const {
  const StopToken* t = this;
  while (t->m_parent != nullptr) {
    t = t->m_parent;
  }
  return t->m_fd;
}

bool wait_real(std::int64_t ms, const StopToken& token) {
  // The run's cancel fd and the group's eventfd wake the poll at once; the slices are only a
  // guard for a group that could not get an eventfd.
  constexpr std::int64_t k_slice_ms = 50;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  pollfd fds[2] = {{token.cancel_fd(), POLLIN, 0}, {token.group_fd(), POLLIN, 0}};
  while (true) {
    if (token.stopped()) {
      return false;
    }
    // Rounded up: poll's millisecond timeout must not wake before the deadline.
    auto left_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       deadline - std::chrono::steady_clock::now())
                       .count();
    if (left_us <= 0) {
      return true;
    }
    std::int64_t left = (left_us + 999) / 1000;
    // poll ignores a negative fd, so one array serves every case.
    ::poll(fds, 2, static_cast<int>(std::min(left, k_slice_ms)));
  }
}

namespace {

std::string format_uuid(std::uint64_t hi, std::uint64_t lo) {
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

}  // namespace

std::string uuid_v4() {
  std::uint64_t hi = random_seed();
  std::uint64_t lo = random_seed();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 10
  return format_uuid(hi, lo);
}

std::string stable_id(std::string_view name) {
  std::uint64_t hi = fnv1a(name, 0xCBF29CE484222325ULL);
  std::uint64_t lo = fnv1a(name, fnv1a("fstage-workflow", 0xCBF29CE484222325ULL));
  hi = (hi & ~0xF000ULL) | 0x8000ULL;  // version 8: custom
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);
  return format_uuid(hi, lo);
}

}  // namespace fstage::flow::detail

namespace fstage::flow {

std::string stable_workflow_id(std::string_view name) {
  return detail::stable_id(name);
}

}  // namespace fstage::flow
