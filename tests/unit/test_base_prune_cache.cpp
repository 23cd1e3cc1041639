// SPDX-License-Identifier: Apache-2.0
// prune_cache: version-keyed cache entries do not pile up.
#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using fstage::prune_cache;
using fstage::write_file_atomic;
namespace fs = std::filesystem;

TEST_CASE("prune_cache keeps the newest matching entries and nothing else goes", "[base][cache]") {
  fstage::test::Scratch s;
  const auto now = fs::file_time_type::clock::now();
  // seccomp-0.bpf is the oldest, seccomp-5.bpf the newest.
  for (int i = 0; i < 6; ++i) {
    const fs::path f = s.path() / ("seccomp-" + std::to_string(i) + ".bpf");
    REQUIRE(write_file_atomic(f, "x"));
    fs::last_write_time(f, now - std::chrono::hours(6 - i));
  }
  REQUIRE(write_file_atomic(s.path() / "probe-0", "keep me"));     // another prefix
  REQUIRE(write_file_atomic(s.path() / "seccomp-x.tmp", "keep"));  // another suffix
  fs::create_directory(s.path() / "seccomp-dir.bpf");              // not a regular file
  prune_cache(s.path(), "seccomp-", ".bpf", 4);
  for (int i = 0; i < 6; ++i) {
    CAPTURE(i);
    CHECK(fs::exists(s.path() / ("seccomp-" + std::to_string(i) + ".bpf")) == (i >= 2));
  }
  CHECK(fs::exists(s.path() / "probe-0"));
  CHECK(fs::exists(s.path() / "seccomp-x.tmp"));
  CHECK(fs::is_directory(s.path() / "seccomp-dir.bpf"));
  // Under the limit, or a missing directory: nothing happens.
  prune_cache(s.path(), "seccomp-", ".bpf", 4);
  CHECK(fs::exists(s.path() / "seccomp-2.bpf"));
  prune_cache(s.path() / "missing", "seccomp-", ".bpf", 0);
}
