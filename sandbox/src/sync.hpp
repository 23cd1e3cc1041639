// SPDX-License-Identifier: Apache-2.0
// The control channel between the supervisor and the sandbox's init: a SOCK_SEQPACKET pair
// (message boundaries for free), one fixed-size record per message, in the spirit of nsjail's
// kSubprocDoneChar/kSubprocErrorChar but typed.
#pragma once

#include <cstdint>

#include <sys/types.h>

namespace fstage::sandbox::detail {

enum class MsgKind : std::uint32_t {
  go = 1,           // parent → init: maps written (a v2 cgroup joined); start setting up.
                    // `value` 1: the cgroup's pids controller counts processes (no
                    // RLIMIT_NPROC); `index` > 0: that many seccomp instructions follow as
                    // the next message
  setup_error = 2,  // init/main → parent: {stage, err, index}; init exits
  started = 3,      // main → parent: about to exec; SCM_CREDENTIALS (its pid) and a pidfd
  exec_error = 4,   // main → parent: execve failed with err
  exited = 5,       // init → parent: main ended with wait status `value`
  listener = 6,     // init → parent: the runtime API listening socket (SCM_RIGHTS)
  connect = 7,      // parent → init: connect to 127.0.0.1:`value` inside the sandbox
  connected = 8,    // init → parent: the connected socket (SCM_RIGHTS), or `err`
};

struct SyncMsg {
  MsgKind kind = MsgKind::go;
  std::int32_t stage = 0;
  std::int32_t err = 0;
  std::int32_t index = 0;
  std::int32_t value = 0;
};

// Async-signal-safe. Returns 0 or an errno.
int send_msg(int fd, const SyncMsg& msg);
// Sends with SCM_CREDENTIALS naming the calling process: the kernel translates the pid into
// the receiver's pid namespace, which is how the supervisor learns the host pid of a process
// that only knows its own pid inside the sandbox. `attached` (if >= 0) goes along with
// SCM_RIGHTS. Async-signal-safe.
int send_msg_with_creds(int fd, const SyncMsg& msg, int attached = -1);
// Sends `msg` with a descriptor attached (SCM_RIGHTS). Async-signal-safe.
int send_msg_with_fd(int fd, const SyncMsg& msg, int attached);
// Receives one message. Returns 1 on a message, 0 at end of file, -errno on error (-EAGAIN
// when a non-blocking socket has nothing). `cred_pid` gets the sender's pid when present;
// `attached` (if given) a received descriptor or -1.
int recv_msg(int fd, SyncMsg& msg, pid_t* cred_pid, int* attached = nullptr);

}  // namespace fstage::sandbox::detail
