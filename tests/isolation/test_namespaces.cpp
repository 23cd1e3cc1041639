// SPDX-License-Identifier: Apache-2.0
// N1–N4: the pid, network, UTS and IPC namespaces (SANDBOX.md §5).
#include <csignal>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>

using iso::probe;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A listening socket on the host's 127.0.0.1; closes on destruction.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::listen(fd, 4);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd); }
};

}  // namespace

TEST_CASE("N1 only the sandbox's processes are visible, under pid 1", "[ns]") {
  NEED("ns");
  auto r = probe({"ls", "/proc"});
  INFO(r.out);
  int pids = 0;
  for (const auto& w : {std::string(" ") + r.out}) {
    for (std::size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] == ' ' && w[i + 1] >= '1' && w[i + 1] <= '9') {
        ++pids;
      }
    }
  }
  CHECK(pids <= 3);  // init, the probe, maybe the ls itself is the probe
  CHECK(has(" " + r.out, " 1 "));
  auto p = probe({"pid"});
  CHECK(has(p.out, "ppid=1 "));
}

TEST_CASE("N2 only lo exists and nothing outside is reachable", "[ns]") {
  NEED("ns");
  auto r = probe({"cat", "/proc/net/dev"});
  INFO(r.out);
  CHECK(has(r.out, "lo:"));
  CHECK_FALSE(has(r.out, "eth"));
  auto out = probe({"connect", "1.1.1.1", "53"});
  CHECK(has(out.out, "connect=ENETUNREACH"));
  Listener host;
  auto local = probe({"connect", "127.0.0.1", std::to_string(host.port)});
  CHECK(has(local.out, "connect=ECONNREFUSED"));  // the sandbox's own, empty, loopback
}

TEST_CASE("N2 --network host shares the host's network", "[ns]") {
  NEED("ns");
  Listener host;
  iso::Options o;
  o.network_host = true;
  auto r = probe({"connect", "127.0.0.1", std::to_string(host.port)}, o);
  INFO(r.error << r.out);
  CHECK(has(r.out, "connect=ok"));
  CHECK_FALSE(r.isolation.not_enforced.empty());
}

TEST_CASE("N3 own hostname and SysV IPC", "[ns]") {
  NEED("ns");
  auto h = probe({"hostname"});
  CHECK(h.out == "fstage\n");
  int q = ::msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  REQUIRE(q >= 0);
  auto r = probe({"ipc"});
  ::msgctl(q, IPC_RMID, nullptr);
  INFO(r.out);
  CHECK(r.out.find('\n') == r.out.rfind('\n'));  // the header line only
}

TEST_CASE("N4 kill(-1) from inside kills only the sandbox", "[ns]") {
  NEED("ns");
  pid_t bystander = ::fork();
  if (bystander == 0) {
    ::pause();
    ::_exit(0);
  }
  auto r = probe({"killall"});
  INFO(r.out << r.err);
  bool alive = ::kill(bystander, 0) == 0;
  ::kill(bystander, SIGKILL);
  ::waitpid(bystander, nullptr, 0);
  CHECK(alive);
  CHECK(r.exit.ended);
}
