// SPDX-License-Identifier: Apache-2.0
#include "sync.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <sys/socket.h>

namespace fstage::sandbox::detail {

int send_msg(int fd, const SyncMsg& msg) {
  while (::send(fd, &msg, sizeof(msg), MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

namespace {

// Sends `msg` with SOL_SOCKET control messages: credentials when `cred` is given, a
// descriptor when `attached` >= 0 (either, both or neither). Runs between clone() and exec:
// no allocation. Returns 0 or an errno.
int send_with_control(int fd, const SyncMsg& msg, const ucred* cred, int attached) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))];
  std::memset(control, 0, sizeof(control));
  iovec iov{const_cast<SyncMsg*>(&msg), sizeof(msg)};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = (cred != nullptr ? CMSG_SPACE(sizeof(ucred)) : 0) +
                      (attached >= 0 ? CMSG_SPACE(sizeof(int)) : 0);
  cmsghdr* cm = CMSG_FIRSTHDR(&mh);
  if (cred != nullptr) {
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_CREDENTIALS;
    cm->cmsg_len = CMSG_LEN(sizeof(ucred));
    std::memcpy(CMSG_DATA(cm), cred, sizeof(ucred));
    cm = CMSG_NXTHDR(&mh, cm);
  }
  if (attached >= 0) {
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &attached, sizeof(int));
  }
  while (::sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

}  // namespace

int send_msg_with_creds(int fd, const SyncMsg& msg, int attached) {
  ucred cred{};
  cred.pid = ::getpid();
  cred.uid = ::getuid();
  cred.gid = ::getgid();
  if (attached >= 0 && send_with_control(fd, msg, &cred, attached) == 0) {
    return 0;
  }
  if (send_with_control(fd, msg, &cred, -1) != 0) {
    // Credentials can be refused (an unmapped uid): the message still matters more.
    return send_msg(fd, msg);
  }
  return 0;
}

int send_msg_with_fd(int fd, const SyncMsg& msg, int attached) {
  return send_with_control(fd, msg, nullptr, attached);
}

int recv_msg(int fd, SyncMsg& msg, pid_t* cred_pid, int* attached) {
  // Room for credentials and one descriptor.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))];
  if (attached != nullptr) {
    *attached = -1;
  }
  iovec iov{&msg, sizeof(msg)};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = sizeof(control);
  // ECONNRESET is no end: a unix socket closed with messages it never read (the supervisor's
  // connect request, sent as main failed to exec) sets it on its peer, and the kernel reports
  // it before the messages already queued here (an exec_error, an exited). The error is
  // cleared by being reported; the next call reads them, then the end of file.
  ssize_t n;
  do {
    n = ::recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
  } while (n < 0 && (errno == EINTR || errno == ECONNRESET));
  if (n < 0) {
    return -errno;
  }
  if (n == 0) {
    return 0;
  }
  if (static_cast<std::size_t>(n) != sizeof(msg)) {
    return -EPROTO;
  }
  if (cred_pid != nullptr) {
    *cred_pid = 0;
    for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm != nullptr; cm = CMSG_NXTHDR(&mh, cm)) {
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
        ucred cred{};
        std::memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
        *cred_pid = cred.pid;
      }
    }
  }
  for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm != nullptr; cm = CMSG_NXTHDR(&mh, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
      int got = -1;
      std::memcpy(&got, CMSG_DATA(cm), sizeof(int));
      if (attached != nullptr) {
        *attached = got;
      } else {
        ::close(got);  // nobody asked for it: do not leak it
      }
    }
  }
  return 1;
}

}  // namespace fstage::sandbox::detail
