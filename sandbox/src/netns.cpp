// SPDX-License-Identifier: Apache-2.0
// The network namespace, child side. A new netns has only a "lo" that is down; bring it up so
// 127.0.0.1 works inside (HTTP functions listen on 127.0.0.1:8000, custom runtimes talk to
// RUNTIME_API_ADDR). Nothing else exists, so nothing leaves the sandbox.
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "plan.hpp"
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace fstage::sandbox::detail {

int bring_up_loopback() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    return errno;
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, "lo", 3);
  int e = 0;
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    e = errno;
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
      e = errno;
    }
  }
  ::close(s);
  return e;
}

}  // namespace fstage::sandbox::detail
