// SPDX-License-Identifier: Apache-2.0
#include "loopback.hpp"

#include <cerrno>
#include <cstdint>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

namespace fstage::sandbox::detail {

int listen_loopback(int& port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(s, 16) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (s >= 0) {
      ::close(s);
    }
    return -1;
  }
  port = ntohs(a.sin_port);
  return s;
}

bool port_taken(int port) {
  for (int tries = 0; tries < 50; ++tries) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      return false;
    }
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    bool taken = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 && errno == EADDRINUSE;
    ::close(s);
    if (!taken) {
      return false;
    }
    ::usleep(20 * 1000);
  }
  return true;
}

}  // namespace fstage::sandbox::detail
