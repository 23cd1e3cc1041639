// SPDX-License-Identifier: Apache-2.0
// cgroup detection and setup against fixture trees (tests/fixtures/cgroup): the v2
// delegation logic cannot be exercised live on the cgroup v1 CI machine.
#include <filesystem>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/cgroup.hpp>

namespace fs = std::filesystem;
using namespace fstage;
using namespace fstage::sandbox;

namespace {

fs::path fixture(const std::string& name) {
  return fs::path(FSTAGE_SOURCE_DIR) / "tests/fixtures/cgroup" / name;
}

// A writable copy of a fixture tree, removed at scope exit.
struct Copy {
  explicit Copy(const std::string& name) {
    auto dir = TempDir::create({}, "fstage-cg-");
    REQUIRE(dir);
    tmp.emplace(std::move(*dir));
    fs::copy(fixture(name), tmp->path(), fs::copy_options::recursive);
  }
  const fs::path& root() const { return tmp->path(); }
  std::optional<TempDir> tmp;
};

// Stands in for permissions: paths listed in the tree's READONLY file are not writable.
WritablePredicate fixture_writable(const fs::path& root) {
  auto listed = read_file(root / "READONLY").value_or("");
  return [root, listed](const fs::path& p) {
    for (const auto& line : split(listed, '\n')) {
      if (!line.empty() && is_within(root / line, p)) {
        return false;
      }
    }
    return true;
  };
}

std::string contents(const fs::path& p) {
  return std::string(trim(read_file(p).value_or("<missing>")));
}

}  // namespace

TEST_CASE("sandbox::parse_proc_cgroup reads v1 and v2 lines", "[sandbox][cgroup]") {
  auto m =
      parse_proc_cgroup("9:name=systemd:/\n4:memory:/process_api/abc\n3:cpu,cpuacct:/x\n0::/\n");
  CHECK(m.at("memory") == "/process_api/abc");
  CHECK(m.at("cpu") == "/x");
  CHECK(m.at("cpuacct") == "/x");
  CHECK(m.at("") == "/");
}

TEST_CASE("sandbox::parse_cgroup_mounts keeps cgroup mounts with their controllers",
          "[sandbox][cgroup]") {
  auto text = read_file(fixture("v1-hybrid/proc/self/mountinfo"));
  REQUIRE(text);
  auto mounts = parse_cgroup_mounts(*text);
  REQUIRE(mounts.size() == 6);
  CHECK(mounts[0].mount_point == "/sys/fs/cgroup/cpu");
  CHECK(mounts[0].controllers == std::vector<std::string>{"cpu"});
  CHECK(mounts.back().v2);
  CHECK(mounts.back().mount_point == "/sys/fs/cgroup/unified");
}

TEST_CASE("sandbox::read_flat_keyed finds oom_kill", "[sandbox][cgroup]") {
  CHECK(read_flat_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill") == 3);
  CHECK(read_flat_keyed("low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n", "oom") == 1);
  CHECK(read_flat_keyed("", "oom_kill") == 0);
}

TEST_CASE("sandbox::detect_cgroups on a v1 hybrid host picks the v1 hierarchies",
          "[sandbox][cgroup]") {
  auto root = fixture("v1-hybrid");
  auto s = detect_cgroups(root, [](const fs::path&) { return true; });
  CHECK(s.mode == CgroupMode::v1);
  CHECK(s.v1_dirs.at("memory") == root / "sys/fs/cgroup/memory/process_api/abc");
  CHECK(s.v1_dirs.at("pids") == root / "sys/fs/cgroup/pids");
  CHECK(s.has("memory"));
  CHECK_FALSE(s.has("io"));
}

TEST_CASE("sandbox::detect_cgroups without write access on v1 finds nothing", "[sandbox][cgroup]") {
  auto s = detect_cgroups(fixture("v1-hybrid"), [](const fs::path&) { return false; });
  CHECK(s.mode == CgroupMode::none);
  CHECK(s.reason.find("offers no memory controller") != std::string::npos);
  CHECK(s.reason.find("v1 needs root") != std::string::npos);
}

TEST_CASE("sandbox::detect_cgroups finds a delegated v2 scope", "[sandbox][cgroup]") {
  auto root = fixture("v2-delegated");
  auto s = detect_cgroups(root, fixture_writable(root));
  CHECK(s.mode == CgroupMode::v2);
  CHECK(s.v2_dir == root /
                        "sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/"
                        "app.slice/fstage.scope");
  CHECK(s.v2_controllers == std::vector<std::string>{"cpu", "memory", "pids"});
}

TEST_CASE("sandbox::detect_cgroups rejects a session scope that is not delegated",
          "[sandbox][cgroup]") {
  auto root = fixture("v2-not-delegated");
  auto s = detect_cgroups(root, fixture_writable(root));
  CHECK(s.mode == CgroupMode::none);
  CHECK(s.reason.find("is not delegated") != std::string::npos);
}

TEST_CASE("sandbox::detect_cgroups strips the mount root without a cgroup namespace",
          "[sandbox][cgroup]") {
  auto root = fixture("v2-docker-hostns");
  auto s = detect_cgroups(root, fixture_writable(root));
  CHECK(s.mode == CgroupMode::v2);
  CHECK(s.v2_dir == root / "sys/fs/cgroup");
}

TEST_CASE("sandbox::Cgroup::create on delegated v2 moves itself out and enables controllers",
          "[sandbox][cgroup]") {
  Copy tree("v2-delegated");
  auto s = detect_cgroups(tree.root(), fixture_writable(tree.root()));
  REQUIRE(s.mode == CgroupMode::v2);
  Limits limits;
  limits.memory_mb = 256;
  limits.pids = 64;
  SECTION("memory and pids, no cpu quota") {
    auto cg = Cgroup::create(s, "sb-1", limits, 4242);
    REQUIRE(cg);
    // fstage was the only process in its cgroup: it moves into a child first
    // ("no internal processes"), then delegates the controllers.
    CHECK(contents(s.v2_dir / "fstage-self/cgroup.procs") == "4242");
    CHECK(contents(s.v2_dir / "cgroup.subtree_control") == "+memory +pids");
    CHECK(contents(s.v2_dir / "sb-1/memory.max") == "268435456");
    CHECK(contents(s.v2_dir / "sb-1/pids.max") == "64");
    CHECK_FALSE(fs::exists(s.v2_dir / "sb-1/cpu.max"));
    CHECK(cg->enforced() == std::vector<std::string>{"memory", "pids"});
  }
  SECTION("with a cpu quota") {
    limits.cpu_millicores = 300;
    auto cg = Cgroup::create(s, "sb-2", limits, 4242);
    REQUIRE(cg);
    CHECK(contents(s.v2_dir / "cgroup.subtree_control") == "+memory +pids +cpu");
    CHECK(contents(s.v2_dir / "sb-2/cpu.max") == "30000 100000");
  }
}

TEST_CASE("sandbox::Cgroup::create refuses to move other processes (Docker private ns)",
          "[sandbox][cgroup]") {
  Copy tree("v2-docker-private");
  auto s = detect_cgroups(tree.root(), fixture_writable(tree.root()));
  REQUIRE(s.mode == CgroupMode::v2);
  auto cg = Cgroup::create(s, "sb-1", Limits{}, 4242);
  REQUIRE_FALSE(cg);
  CHECK(cg.error().code == ErrorCode::sandbox);
  CHECK(cg.error().message.find("holds other processes") != std::string::npos);
  CHECK(cg.error().hint.find("Delegate=yes") != std::string::npos);
  CHECK(contents(s.v2_dir / "cgroup.subtree_control").empty());
}

TEST_CASE("sandbox::Cgroup::create on v1 writes one leaf per hierarchy", "[sandbox][cgroup]") {
  Copy tree("v1-hybrid");
  auto s = detect_cgroups(tree.root(), [](const fs::path&) { return true; });
  REQUIRE(s.mode == CgroupMode::v1);
  Limits limits;
  limits.memory_mb = 128;
  limits.pids = 100;
  auto cg = Cgroup::create(s, "fstage-1-1", limits, ::getpid());
  REQUIRE(cg);
  CHECK(contents(s.v1_dirs.at("memory") / "fstage-1-1/memory.limit_in_bytes") == "134217728");
  CHECK(contents(s.v1_dirs.at("pids") / "fstage-1-1/pids.max") == "100");
  CHECK_FALSE(fs::exists(s.v1_dirs.at("cpu") / "fstage-1-1"));
  CHECK(cg->enforced() == std::vector<std::string>{"memory", "pids"});
}
