// SPDX-License-Identifier: Apache-2.0
// The framed channel to fstage's shims (transport.hpp) over a real socketpair: frames split
// across reads, two frames in one read, and the shim's "exiting" frame.
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "transport.hpp"
#include <sys/socket.h>

using fstage::sandbox::detail::FramedTransport;
using fstage::sandbox::detail::Reply;

namespace {

// Polls `t` once, as the runner's loop does.
std::optional<Reply> poll_once(FramedTransport& t) {
  std::vector<pollfd> fds;
  t.add_pollfds(fds);
  ::poll(fds.data(), fds.size(), 1000);
  return t.on_poll(fds);
}

void put(int fd, const std::string& s) {
  REQUIRE(::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size()));
}

}  // namespace

TEST_CASE("framed transport: frames split and joined, then the shim's exiting",
          "[sandbox][transport]") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  FramedTransport t(sv[0]);
  put(sv[1], "{\"type\":\"result\",\"len\":5}\nhel");
  CHECK_FALSE(poll_once(t));  // half a body: nothing yet
  put(sv[1], "lo{\"type\":\"error\",\"len\":2}\n{}");
  auto r = poll_once(t);
  REQUIRE(r);
  CHECK(r->kind == Reply::result);
  CHECK(r->body == "hello");
  r = t.buffered();  // the second came in the same read
  REQUIRE(r);
  CHECK(r->kind == Reply::error);
  CHECK(r->body == "{}");
  CHECK_FALSE(t.exiting());
  put(sv[1], "{\"type\":\"exiting\",\"len\":0}\n");
  ::close(sv[1]);
  r = poll_once(t);
  REQUIRE(r);
  CHECK(r->kind == Reply::closed);
  CHECK(t.exiting());
  r = t.drain();
  REQUIRE(r);
  CHECK(r->kind == Reply::closed);
  CHECK(t.exiting());
}

TEST_CASE("framed transport: a channel that just ends is not exiting", "[sandbox][transport]") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  FramedTransport t(sv[0]);
  ::close(sv[1]);
  auto r = t.drain();
  REQUIRE(r);
  CHECK(r->kind == Reply::closed);
  CHECK_FALSE(t.exiting());
}
