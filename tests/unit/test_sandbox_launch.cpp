// SPDX-License-Identifier: Apache-2.0
// Launch plans: where a Python interpreter keeps the host's third-party packages, which the
// sandbox hides (SandboxConfig::masks).
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "launch.hpp"

using fstage::sandbox::detail::python_site_dirs;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("python_site_dirs: Debian's system Python", "[sandbox][launch]") {
  auto d = python_site_dirs("/usr/bin/python3.11", "3.11.2");
  CHECK(contains(d, "/usr/lib/python3/dist-packages"));
  CHECK(contains(d, "/usr/local/lib/python3.11/dist-packages"));
  CHECK(contains(d, "/usr/lib/python3.11/site-packages"));
  CHECK(contains(d, "/usr/local/lib/python3.11/site-packages"));
  // The standard library itself stays visible.
  CHECK_FALSE(contains(d, "/usr/lib/python3.11"));
  // No duplicates (/usr/local appears both as <prefix>/local and as itself).
  std::vector<std::string> sorted = d;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

TEST_CASE("python_site_dirs: an interpreter under its own prefix", "[sandbox][launch]") {
  auto d = python_site_dirs("/root/.pyenv/versions/3.12.1/bin/python3.12", "3.12.1");
  CHECK(contains(d, "/root/.pyenv/versions/3.12.1/lib/python3.12/site-packages"));
  CHECK(contains(d, "/usr/local/lib/python3.12/site-packages"));
  CHECK_FALSE(contains(d, "/usr/lib/python3/dist-packages"));
  // A version without a patch level still names the minor version's directory.
  CHECK(contains(python_site_dirs("/opt/py/bin/python3", "3.10"),
                 "/opt/py/lib/python3.10/site-packages"));
}
