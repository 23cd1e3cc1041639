// SPDX-License-Identifier: Apache-2.0
// SIGINT/SIGTERM stop the API client: a request the server sits on, the wait before a retry,
// and a request not yet sent.
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/deploy/http_client.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

using namespace fstage;
using namespace fstage::deploy;
using namespace std::chrono_literals;

namespace {

// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel's
// backlog and then hear nothing.
struct SilentServer {
  int fd = -1;
  int port = 0;
  SilentServer() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~SilentServer() { ::close(fd); }
  bool was_contacted() const {
    int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) {
      ::close(c);
    }
    return c >= 0;
  }
  HttpRequest get() const {
    HttpRequest r;
    r.base = "http://127.0.0.1:" + std::to_string(port);
    r.path = "/slow";
    r.timeout = 30s;
    return r;
  }
};

}  // namespace

TEST_CASE("HttpClient::send: a signal aborts a request the server sits on", "[deploy][interrupt]") {
  SilentServer server;
  HttpClient client{HttpOptions{}};
  InterruptScope scope;
  std::thread signaller([] {
    std::this_thread::sleep_for(300ms);
    note_interrupt(SIGINT);
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = client.send(server.get(), {});
  signaller.join();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::interrupted);
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);  // curl's progress callback: every second
}

TEST_CASE("HttpClient: once interrupted, nothing more is sent and retry waits end",
          "[deploy][interrupt]") {
  SilentServer server;
  HttpClient client{HttpOptions{}};
  InterruptScope scope;
  note_interrupt(SIGTERM);
  auto r = client.send(server.get(), {});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::interrupted);
  CHECK(r.error().message == "interrupted by SIGTERM");
  CHECK_FALSE(server.was_contacted());
  const auto t0 = std::chrono::steady_clock::now();
  client.options().sleep(30s);  // the default wait before a retry
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}
