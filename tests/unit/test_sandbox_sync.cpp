// SPDX-License-Identifier: Apache-2.0
// The control channel's reads: what a peer sent before it closed is read, in order, then the
// end, even when it closed with messages of ours it never read (the kernel then reports
// ECONNRESET first: a supervisor that took that for the end lost main's exec_error and
// reported an exec failure as "killed by signal KILL").
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "sync.hpp"
#include <sys/socket.h>

using fstage::sandbox::detail::MsgKind;
using fstage::sandbox::detail::recv_msg;
using fstage::sandbox::detail::send_msg;
using fstage::sandbox::detail::SyncMsg;

TEST_CASE("sandbox sync: messages sent before a close are read, then the end", "[sandbox][sync]") {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
  const bool unread = GENERATE(false, true);
  const bool nonblocking = GENERATE(false, true);
  if (nonblocking) {
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  }
  SyncMsg m;
  if (unread) {
    m.kind = MsgKind::connect;  // the supervisor asks; init never reads it
    m.value = 8000;
    REQUIRE(send_msg(sv[0], m) == 0);
  }
  m = SyncMsg{};
  m.kind = MsgKind::exec_error;
  m.err = EACCES;
  REQUIRE(send_msg(sv[1], m) == 0);
  m = SyncMsg{};
  m.kind = MsgKind::exited;
  m.value = 126 << 8;
  REQUIRE(send_msg(sv[1], m) == 0);
  ::close(sv[1]);

  SyncMsg got;
  REQUIRE(recv_msg(sv[0], got, nullptr) == 1);
  CHECK(got.kind == MsgKind::exec_error);
  CHECK(got.err == EACCES);
  REQUIRE(recv_msg(sv[0], got, nullptr) == 1);
  CHECK(got.kind == MsgKind::exited);
  CHECK(got.value == 126 << 8);
  CHECK(recv_msg(sv[0], got, nullptr) == 0);
  ::close(sv[0]);
}
