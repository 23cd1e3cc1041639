// SPDX-License-Identifier: Apache-2.0
// etc_runtime_entries: which runtime directories of /etc the sandbox binds, and the cache
// that spares reading /etc on every start.
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>

#include "layout.hpp"
#include "test_support.hpp"
#include <sys/stat.h>

using fstage::read_file;
using fstage::write_file_atomic;
using fstage::sandbox::detail::etc_runtime_entries;
namespace fs = std::filesystem;

namespace {

using Names = std::vector<std::string>;

// An mtime well in the past, as /etc has between package installs; always the same one, so
// that only the link count can tell two listings apart.
void age(const fs::path& dir) {
  timespec times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
  REQUIRE(::utimensat(AT_FDCWD, dir.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("etc_runtime_entries lists the runtimes' directories, and caches the listing",
          "[sandbox][etc]") {
  fstage::test::Scratch s;
  const fs::path etc = s.path() / "etc";
  const fs::path cache = s.path() / "cache";
  for (const char* d : {"java-17-openjdk", "python3", "python3.11", "ssl", "javascript"}) {
    fs::create_directories(etc / d);
  }
  REQUIRE(write_file_atomic(etc / "passwd", "root:x:0:0::/:/bin/sh\n"));
  age(etc);

  CHECK(etc_runtime_entries(cache, etc) == Names{"java-17-openjdk", "python3", "python3.11"});
  auto text = read_file(cache / "etc-entries");
  REQUIRE(text);
  CHECK(text->find("python3.11\n") != std::string::npos);

  // While /etc is unchanged, the listing comes from the cache, not from the directory.
  std::string forged = text->substr(0, text->find('\n') + 1) + "python3.99\n";
  REQUIRE(write_file_atomic(cache / "etc-entries", forged));
  CHECK(etc_runtime_entries(cache, etc) == Names{"python3.99"});

  // A runtime installed since: the directory changed, so it is read again.
  fs::create_directories(etc / "java-21-openjdk");
  age(etc);  // the same mtime as before: the link count tells
  CHECK(etc_runtime_entries(cache, etc) ==
        Names{"java-17-openjdk", "java-21-openjdk", "python3", "python3.11"});
  // And one removed.
  fs::remove(etc / "python3.11");
  age(etc);
  CHECK(etc_runtime_entries(cache, etc) == Names{"java-17-openjdk", "java-21-openjdk", "python3"});
}

TEST_CASE("etc_runtime_entries does not cache a listing of a directory changed just now",
          "[sandbox][etc]") {
  fstage::test::Scratch s;
  const fs::path etc = s.path() / "etc";
  const fs::path cache = s.path() / "cache";
  fs::create_directories(etc / "python3");
  // Just modified: a change within the same clock tick would not move the mtime.
  CHECK(etc_runtime_entries(cache, etc) == Names{"python3"});
  CHECK_FALSE(fs::exists(cache / "etc-entries"));
  // Without a cache directory, or without the directory, it still answers.
  CHECK(etc_runtime_entries({}, etc) == Names{"python3"});
  CHECK(etc_runtime_entries(cache, s.path() / "missing").empty());
}

TEST_CASE("mark_parents knows which parents earlier ops made, and what a mount hides",
          "[sandbox][layout]") {
  using fstage::sandbox::detail::MountKind;
  using fstage::sandbox::detail::MountOp;
  auto op = [](MountKind kind, std::string target, bool dir = true) {
    MountOp o;
    o.kind = kind;
    o.target = std::move(target);
    o.source_is_dir = dir;
    return o;
  };
  std::vector<MountOp> ops = {
      op(MountKind::tmpfs, "/etc"),               // 0: parent "/" always exists
      op(MountKind::file, "/etc/passwd"),         // 1: made by 0
      op(MountKind::bind, "/etc/ssl"),            // 2: made by 0
      op(MountKind::file, "/etc/ssl/x"),          // 3: /etc/ssl is a bind of a host dir: made
      op(MountKind::dir, "/home/snuser/a"),       // 4: /home/snuser is not made yet
      op(MountKind::file, "/home/snuser/a/f"),    // 5: made by 4
      op(MountKind::tmpfs, "/home"),              // 6: hides /home/snuser/a
      op(MountKind::file, "/home/snuser/a/g"),    // 7: hidden by 6: not made
      op(MountKind::bind, "/dev/null", false),    // 8: /dev not made
      op(MountKind::symlink, "/dev/fd"),          // 9: made by 8's parent
      op(MountKind::remount_ro, "/etc"),          // 10
      op(MountKind::file, "/opt/function/code"),  // 11: nothing made /opt
  };
  fstage::sandbox::detail::mark_parents(ops);
  std::vector<bool> got;
  for (const auto& o : ops) {
    got.push_back(o.parent_made);
  }
  CHECK(got == std::vector<bool>{true, true, true, true, false, true, true, false, false, true,
                                 true, false});
}
