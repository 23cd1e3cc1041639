// SPDX-License-Identifier: Apache-2.0
// The compiled seccomp program's cache: written on the first build, read back on later ones,
// compiled again when the file is not a whole program.
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>

#include "seccomp.hpp"

namespace fs = std::filesystem;
using namespace fstage;
using namespace fstage::sandbox::detail;

namespace {

std::string bytes(const std::vector<sock_filter>& prog) {
  return {reinterpret_cast<const char*>(prog.data()), prog.size() * sizeof(sock_filter)};
}

}  // namespace

TEST_CASE("build_seccomp_filter caches the compiled program on disk", "[sandbox][seccomp]") {
  auto compiled = compile_seccomp_filter();
  REQUIRE(compiled);
  REQUIRE(!compiled->empty());
  CHECK(BPF_CLASS(compiled->back().code) == BPF_RET);

  auto dir = TempDir::create({}, "fstage-seccomp-");
  REQUIRE(dir);
  const fs::path file = seccomp_cache_file(dir->path());
  REQUIRE(file.parent_path() == dir->path());
  CHECK(file.filename().string().starts_with("seccomp-"));
  CHECK(seccomp_cache_file({}).empty());

  // First build: compiles and writes the file, the same program byte for byte.
  auto first = build_seccomp_filter(dir->path());
  REQUIRE(first);
  CHECK(bytes(*first) == bytes(*compiled));
  CHECK(read_file(file).value_or("") == bytes(*compiled));
  CHECK((fs::status(file).permissions() & fs::perms::group_write) == fs::perms::none);
}

TEST_CASE("build_seccomp_filter keeps a few programs of other builds, not all",
          "[sandbox][seccomp]") {
  auto dir = TempDir::create({}, "fstage-seccomp-");
  REQUIRE(dir);
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (int i = 0; i < 6; ++i) {
    const fs::path f = dir->path() / ("seccomp-old" + std::to_string(i) + ".bpf");
    REQUIRE(write_file_atomic(f, "stale"));
    fs::last_write_time(f, old);
  }
  REQUIRE(build_seccomp_filter(dir->path()));  // a miss: compiles, writes, prunes
  int left = 0;
  for (const auto& e : fs::directory_iterator(dir->path())) {
    left += e.path().extension() == ".bpf" ? 1 : 0;
  }
  CHECK(left == 4);
  CHECK(fs::exists(seccomp_cache_file(dir->path())));
}

TEST_CASE("build_seccomp_filter reads a whole program back, recompiles a torn one",
          "[sandbox][seccomp]") {
  auto compiled = compile_seccomp_filter();
  REQUIRE(compiled);

  // A cache holding a different (shorter) valid program is what the next build returns:
  // proof that the file, not the compiler, answered.
  auto dir = TempDir::create({}, "fstage-seccomp-");
  REQUIRE(dir);
  std::vector<sock_filter> other(compiled->end() - 2, compiled->end());
  REQUIRE(BPF_CLASS(other.back().code) == BPF_RET);
  REQUIRE(write_file_atomic(seccomp_cache_file(dir->path()), bytes(other)));
  auto got = build_seccomp_filter(dir->path());
  REQUIRE(got);
  CHECK(bytes(*got) == bytes(other));

  // A torn file (not a multiple of an instruction) is compiled again and replaced.
  auto torn = TempDir::create({}, "fstage-seccomp-");
  REQUIRE(torn);
  const fs::path file = seccomp_cache_file(torn->path());
  REQUIRE(write_file_atomic(file, bytes(*compiled).substr(0, 13)));
  auto fixed = build_seccomp_filter(torn->path());
  REQUIRE(fixed);
  CHECK(bytes(*fixed) == bytes(*compiled));
  CHECK(read_file(file).value_or("") == bytes(*compiled));
}
