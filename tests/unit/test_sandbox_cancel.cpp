// SPDX-License-Identifier: Apache-2.0
// RunnerOptions::cancel_fd: the caller's "stop now" (SIGINT in invoke, the second signal in
// serve) ends an invocation at once, kills its sandbox and removes its cgroup.
#include <chrono>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/function.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace std::chrono_literals;
namespace sb = fstage::sandbox;

namespace {

// The cgroup leaves this process made for its sandboxes ("fstage-<pid>-<n>").
bool own_cgroups_left() {
  return test::sh("find /sys/fs/cgroup -maxdepth 8 -type d -name 'fstage-" +
                  std::to_string(::getpid()) + "-*' 2>/dev/null | grep -q .") == 0;
}

}  // namespace

TEST_CASE("FunctionRunner: cancel_fd stops the invocation at once and starts nothing after",
          "[sandbox][interrupt]") {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("no /usr/bin/python3: skipped");
    return;
  }
  test::Scratch s;
  ::chmod(s.path().c_str(), 0755);  // the sandbox's user may differ
  REQUIRE(write_file_atomic(s.path() / "index.py",
                            "import time\n\ndef handler(event, context):\n"
                            "    print('sleeping', flush=True)\n    time.sleep(30)\n"
                            "    return 'woke'\n"));
  sb::FunctionSpec spec;
  spec.name = "sleepy";
  spec.runtime = manifest::resolve_runtime("Python3.10").value();
  spec.handler = "index.handler";
  spec.timeout_s = 60;
  spec.code_dir = s.path();
  sb::RunnerOptions ro;
  ro.host_env = {{"PATH", "/usr/bin:/bin"}, {"FSTAGE_PYTHON", "/usr/bin/python3"}};
  CancelFlag cancel;
  ro.cancel_fd = cancel.fd();
  bool printed = false;
  ro.on_output = [&](std::string_view chunk) {
    printed = printed || chunk.find("sleeping") != std::string_view::npos;
    if (printed) {
      cancel.raise();  // the function is running: stop it
    }
  };
  auto runner = sb::FunctionRunner::create(spec, ro, sb::probe());
  REQUIRE(runner);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = (*runner)->invoke({});
  CHECK(std::chrono::steady_clock::now() - t0 < 15s);
  CHECK(printed);
  CHECK(r.status == sb::InvokeStatus::cancelled);
  CHECK(sb::to_string(r.status) == "cancelled");
  CHECK_FALSE((*runner)->warm());
  CHECK_FALSE(own_cgroups_left());  // removed before invoke returned, not left to a reaper
  printed = false;
  auto again = (*runner)->invoke({});
  CHECK(again.status == sb::InvokeStatus::cancelled);
  CHECK_FALSE(printed);  // nothing was started
  CHECK_FALSE((*runner)->warm());
}
