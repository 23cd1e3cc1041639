// SPDX-License-Identifier: Apache-2.0
// blocked_for and friends: the directory in the way of a user, for messages that name it.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/access.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using fstage::blocked_for;

namespace {

// root/open (0755)/closed (0700)/inner (0755)/file (0644), open/file (0644), open/secret (0600)
// and open/link -> closed/inner: what a stranger (not the owner, not the group) meets.
struct Tree {
  fstage::test::Scratch s;
  fs::path root = fs::canonical(s.path());
  Tree() {
    fs::permissions(root, fs::perms(0755));
    fs::create_directories(root / "open/closed/inner");
    std::ofstream(root / "open/closed/inner/file") << "x";
    std::ofstream(root / "open/file") << "x";
    std::ofstream(root / "open/secret") << "x";
    fs::create_directory_symlink(root / "open/closed/inner", root / "open/link");
    fs::permissions(root / "open", fs::perms(0755));
    fs::permissions(root / "open/closed", fs::perms(0700));
    fs::permissions(root / "open/closed/inner", fs::perms(0755));
    fs::permissions(root / "open/closed/inner/file", fs::perms(0644));
    fs::permissions(root / "open/file", fs::perms(0644));
    fs::permissions(root / "open/secret", fs::perms(0600));
  }
};

// Neither the owner nor in the group of anything in the tree.
uid_t stranger() {
  return ::geteuid() == 4242 ? 4243 : 4242;
}

}  // namespace

TEST_CASE("blocked_for names the first directory a user may not enter", "[base][access]") {
  Tree t;
  const uid_t u = stranger();
  auto b = blocked_for(t.root / "open/closed/inner/file", u, u, R_OK);
  REQUIRE(b);
  CHECK(b->path == t.root / "open/closed");
  CHECK_FALSE(b->target);
  CHECK((b->mode & 0777) == 0700);
  CHECK(b->owner == ::geteuid());
  CHECK(fstage::open_up_command(*b, R_OK) == "chmod o+x " + (t.root / "open/closed").string());
  CHECK(fstage::describe(*b).starts_with((t.root / "open/closed").string() + " (drwx------, "));

  // A symlink leads the walk where it points.
  b = blocked_for(t.root / "open/link/file", u, u, R_OK);
  REQUIRE(b);
  CHECK(b->path == t.root / "open/closed");

  // The owner passes by the owner's bits, a member of the group by the group's.
  CHECK_FALSE(blocked_for(t.root / "open/closed/inner/file", ::geteuid(), u, R_OK));
  fs::permissions(t.root / "open/closed", fs::perms(0750));
  CHECK_FALSE(blocked_for(t.root / "open/closed/inner/file", u, ::getegid(), R_OK));
  CHECK(blocked_for(t.root / "open/closed/inner/file", u, u, R_OK));
}

TEST_CASE("blocked_for checks the path itself for the access wanted", "[base][access]") {
  Tree t;
  const uid_t u = stranger();
  CHECK_FALSE(blocked_for(t.root / "open/file", u, u, R_OK));
  CHECK_FALSE(blocked_for(t.root / "open", u, u, R_OK | X_OK));
  auto b = blocked_for(t.root / "open/secret", u, u, R_OK);
  REQUIRE(b);
  CHECK(b->target);
  CHECK(b->path == t.root / "open/secret");
  CHECK(fstage::open_up_command(*b, R_OK) == "chmod o+r " + (t.root / "open/secret").string());
  CHECK(blocked_for(t.root / "open/file", u, u, X_OK));
  // What does not exist is another error.
  CHECK_FALSE(blocked_for(t.root / "open/nothing", u, u, R_OK));
}

TEST_CASE("access_error says what could not be read, as an I/O error", "[base][access]") {
  Tree t;
  fs::permissions(t.root / "open/secret", fs::perms::none);
  fstage::Error e = fstage::access_error(t.root / "open/secret", "the manifest");
  CHECK(e.code == fstage::ErrorCode::io);
  CHECK(e.sys_errno == EACCES);
  CHECK(e.message ==
        "cannot read the manifest " + (t.root / "open/secret").string() + ": permission denied");
  CHECK_FALSE(e.hint.empty());
  if (::geteuid() != 0) {
    // Only a caller without root's powers is stopped (the e2e scenarios drop to nobody).
    REQUIRE(e.details.size() == 1);
    CHECK(e.hint.find("chmod o+r " + (t.root / "open/secret").string()) != std::string::npos);
  }
}
