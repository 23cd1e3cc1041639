// SPDX-License-Identifier: Apache-2.0
// The isolation suite's main: print what the host supports, run, and exit 77 when every test
// had to skip (ctest SKIP_RETURN_CODE), so an unusable host never passes silently.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) {
    return rc;
  }
  const auto& c = iso::caps();
  std::cout << "fstage isolation tests as uid " << ::geteuid() << ": tier "
            << fstage::sandbox::describe(c) << "\n";
  for (const auto& n : c.notes) {
    std::cout << "  note: " << n << "\n";
  }
  for (const char* need : {"ns", "userns", "cgroup", "cgroupv1", "cgroupv2", "seccomp", "root",
                           "rootless", "python", "node", "java"}) {
    std::string why = iso::missing(need);
    std::cout << "  [" << need << "] " << (why.empty() ? "available" : "unavailable: " + why)
              << "\n";
  }
  std::cout.flush();
  int failed = session.run();
  std::cout << "isolation: " << iso::ran_count() << " test(s) ran, " << iso::skipped_count()
            << " skipped";
  if (const char* r = std::getenv("FSTAGE_TEST_REQUIRE"); r != nullptr && *r != '\0') {
    std::cout << " (FSTAGE_TEST_REQUIRE=" << r << ")";
  }
  std::cout << "\n";
  if (failed != 0) {
    return failed < 255 ? failed : 255;
  }
  if (iso::ran_count() == 0) {
    std::cout << "isolation: nothing could run on this host\n";
    return 77;
  }
  return 0;
}
