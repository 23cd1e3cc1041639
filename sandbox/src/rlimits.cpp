// SPDX-License-Identifier: Apache-2.0
// Resource limits of the main process, child side. RLIMIT_AS is never set: the JVM and V8
// reserve address space far beyond what they touch, and an AS limit kills them at start
// ("Could not reserve enough space", nsjail #17, #76); memory is the cgroup's or the
// watchdog's job.
#include <cerrno>

#include "plan.hpp"
#include <sys/resource.h>

namespace fstage::sandbox::detail {

int apply_rlimits(const ChildPlan& plan, bool drop_nproc) {
  for (const RlimitSpec& r : plan.rlimits) {
    if (drop_nproc && r.resource == RLIMIT_NPROC) {
      continue;
    }
    rlimit lim{r.soft, r.hard};
    if (::setrlimit(static_cast<__rlimit_resource>(r.resource), &lim) != 0) {
      // A hard limit above the current one needs CAP_SYS_RESOURCE; settle for lowering.
      rlimit cur{};
      if (::getrlimit(static_cast<__rlimit_resource>(r.resource), &cur) != 0) {
        return errno;
      }
      lim.rlim_max = lim.rlim_max < cur.rlim_max ? lim.rlim_max : cur.rlim_max;
      lim.rlim_cur = lim.rlim_cur < lim.rlim_max ? lim.rlim_cur : lim.rlim_max;
      if (::setrlimit(static_cast<__rlimit_resource>(r.resource), &lim) != 0) {
        return errno;
      }
    }
  }
  return 0;
}

}  // namespace fstage::sandbox::detail
