// SPDX-License-Identifier: Apache-2.0
// The one way commands handle SIGINT and SIGTERM: counted, flags raised, descriptors readable,
// the previous handlers back afterwards.
#include <chrono>
#include <csignal>
#include <poll.h>
#include <thread>

#include <catch2/catch.hpp>

#include <fstage/base/interrupt.hpp>

using namespace fstage;
using namespace std::chrono_literals;

namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

}  // namespace

TEST_CASE("CancelFlag: raise makes the descriptor readable for good, clear lowers it",
          "[base][interrupt]") {
  CancelFlag f;
  REQUIRE(f.fd() >= 0);
  CHECK_FALSE(f.raised());
  CHECK_FALSE(readable(f.fd()));
  f.raise();
  f.raise();
  CHECK(f.raised());
  CHECK(readable(f.fd()));
  CHECK(readable(f.fd()));  // polling does not consume it
  f.clear();
  CHECK_FALSE(f.raised());
  CHECK_FALSE(readable(f.fd()));
}

TEST_CASE("InterruptScope: a signal is counted, not fatal, the first two raise their flags",
          "[base][interrupt]") {
  struct sigaction before {};
  ::sigaction(SIGTERM, nullptr, &before);
  {
    InterruptScope scope;
    CHECK_FALSE(interrupted());
    CHECK_FALSE(interrupt_flag().raised());
    std::raise(SIGTERM);
    CHECK(interrupted());
    CHECK(interrupt_count() == 1);
    CHECK(interrupt_signal() == SIGTERM);
    CHECK(readable(interrupt_flag().fd()));
    CHECK_FALSE(second_interrupt_flag().raised());
    CHECK(interrupted_error().code == ErrorCode::interrupted);
    CHECK(interrupted_error().message == "interrupted by SIGTERM");
    {
      InterruptScope nested;  // shares the outer one: nothing is cleared
      CHECK(interrupt_count() == 1);
      std::raise(SIGINT);
    }
    CHECK(interrupt_count() == 2);
    CHECK(interrupt_signal() == SIGTERM);  // the first one names the interruption
    CHECK(readable(second_interrupt_flag().fd()));
  }
  struct sigaction after {};
  ::sigaction(SIGTERM, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);  // the previous handler is back
  CHECK_FALSE(interrupted());                    // nor is the count left behind
  InterruptScope next;                           // a new command starts with a clean slate
  CHECK_FALSE(interrupted());
  CHECK_FALSE(readable(interrupt_flag().fd()));
  CHECK_FALSE(readable(second_interrupt_flag().fd()));
}

TEST_CASE("InterruptScope: handles SIGINT even when the process started with it ignored",
          "[base][interrupt]") {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before {};
  ::sigaction(SIGINT, &ignore, &before);
  {
    InterruptScope scope;
    std::raise(SIGINT);
    CHECK(interrupted());
  }
  struct sigaction after {};
  ::sigaction(SIGINT, &before, &after);
  CHECK(after.sa_handler == SIG_IGN);
}

TEST_CASE("sleep_unless_interrupted wakes up when a signal arrives", "[base][interrupt]") {
  InterruptScope scope;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(sleep_unless_interrupted(20ms));
  CHECK(std::chrono::steady_clock::now() - t0 >= 20ms);
  std::thread signaller([] {
    std::this_thread::sleep_for(100ms);
    note_interrupt(SIGINT);  // as serve's signal thread does
  });
  t0 = std::chrono::steady_clock::now();
  CHECK(sleep_unless_interrupted(10s));
  signaller.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(sleep_unless_interrupted(10s));  // already interrupted: at once
}
