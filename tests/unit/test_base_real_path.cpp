// SPDX-License-Identifier: Apache-2.0
// real_path: what realpath(3) and std::filesystem::canonical answer, in fewer system calls.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using fstage::real_path;

TEST_CASE("real_path resolves symlinks like canonical and tells directories", "[base][fs]") {
  fstage::test::Scratch s;
  const fs::path root = fs::canonical(s.path());
  fs::create_directories(root / "a/b");
  std::ofstream(root / "a/b/file") << "x";
  fs::create_symlink("a/b", root / "link_dir");            // relative target
  fs::create_symlink(root / "link_dir/file", root / "f");  // absolute, through another link
  fs::create_symlink("missing", root / "dangling");

  bool is_dir = false;
  auto f = real_path(root / "f", &is_dir);
  REQUIRE(f);
  CHECK(*f == root / "a/b/file");
  CHECK(*f == fs::canonical(root / "f"));
  CHECK_FALSE(is_dir);

  auto d = real_path(root / "link_dir/../b", &is_dir);
  REQUIRE(d);
  CHECK(*d == fs::canonical(root / "link_dir/../b"));
  CHECK(is_dir);

  CHECK_FALSE(real_path(root / "dangling"));
  CHECK_FALSE(real_path(root / "nothing/here"));

  // A relative path is resolved against the working directory, as realpath does.
  const fs::path cwd = fs::current_path();
  fs::current_path(root / "a");
  auto rel = real_path("b/file");
  fs::current_path(cwd);
  REQUIRE(rel);
  CHECK(*rel == root / "a/b/file");
}
