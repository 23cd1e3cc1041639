// SPDX-License-Identifier: Apache-2.0
// SIGINT and SIGTERM, handled one way by every command. While an InterruptScope is alive (cli
// holds one around each command) the signals do not end the process: they are counted, and
// each of the first two raises a CancelFlag. Long operations check interrupted() (the builder
// between files and while its child processes run, deploy's transfers and retry waits) or poll
// a flag's descriptor beside their own (a sandbox's invocation), stop what they started,
// remove what they made and return interrupted_error(); cli renders it as
// "fstage: interrupted by SIGINT" and exits 130. A third signal ends the process at once, for
// a clean-up that hangs.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <fstage/base/error.hpp>

namespace fstage {

// A one-way "stop" that threads and poll loops can wait on: raise() sets it (async-signal-safe,
// so a signal handler may call it) and makes fd() readable for good. Never read fd(); poll it
// for POLLIN.
class CancelFlag {
 public:
  CancelFlag();
  ~CancelFlag();
  CancelFlag(const CancelFlag&) = delete;
  CancelFlag& operator=(const CancelFlag&) = delete;

  void raise() noexcept;
  bool raised() const noexcept { return m_raised.load(std::memory_order_acquire); }
  // An eventfd; -1 when none could be made (then only raised() tells).
  int fd() const noexcept { return m_fd; }
  // Lowers the flag again (InterruptScope, at the start of a command).
  void clear() noexcept;

 private:
  int m_fd = -1;
  std::atomic<bool> m_raised{false};
};

// Installs the handlers for SIGINT and SIGTERM, also when the process started with them
// ignored (as a shell's background job does). Without SA_RESTART: a blocking call in the
// thread that takes the signal returns EINTR. Nested scopes share the outermost one, which
// clears the count when it begins, and restores the previous handlers and clears the count
// again when it ends.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// Counts `sig` as received: what the handler does, for a thread that takes the signals itself
// with sigwait (serve keeps them away from its other threads) and for tests. The third ends
// the process with exit 130. Async-signal-safe.
void note_interrupt(int sig) noexcept;

// How many signals arrived since the outermost scope began, and the first one's number (0
// when none).
int interrupt_count() noexcept;
int interrupt_signal() noexcept;
inline bool interrupted() noexcept {
  return interrupt_count() > 0;
}

// Raised by the first signal, and by the second (serve drains after the first and stops at
// once on the second).
const CancelFlag& interrupt_flag();
const CancelFlag& second_interrupt_flag();

// Sleeps for `d`, or until a signal arrives. True when interrupted.
bool sleep_unless_interrupted(std::chrono::milliseconds d);

// The error a command cut short returns: code interrupted, "interrupted by SIGINT".
Error interrupted_error();

}  // namespace fstage
