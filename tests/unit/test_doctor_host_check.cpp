// SPDX-License-Identifier: Apache-2.0
// `fstage doctor`'s sandbox diagnosis on fixture trees (tests/fixtures/host over
// tests/fixtures/cgroup): the right tier, the right cause and the exact fix for each host shape.
#include <filesystem>
#include <optional>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/host_check.hpp>

namespace fs = std::filesystem;
using namespace fstage;
using namespace fstage::sandbox;

namespace {

const fs::path k_fixtures = fs::path(FSTAGE_SOURCE_DIR) / "tests/fixtures";

// A host fixture laid over its cgroup BASE in a temporary root, removed at scope exit.
struct Tree {
  explicit Tree(const std::string& name) {
    auto dir = TempDir::create({}, "fstage-host-");
    REQUIRE(dir);
    tmp.emplace(std::move(*dir));
    auto base = read_file(k_fixtures / "host" / name / "BASE");
    REQUIRE(base);
    fs::copy(k_fixtures / "cgroup" / std::string(trim(*base)), root(), fs::copy_options::recursive);
    fs::copy(k_fixtures / "host" / name, root(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  const fs::path& root() const { return tmp->path(); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root() / rel).parent_path());
    REQUIRE(write_file_atomic(root() / rel, text));
  }
  std::optional<TempDir> tmp;
};

// Paths listed in the tree's READONLY file (from the cgroup fixture) are not writable.
WritablePredicate listed_readonly(const fs::path& root) {
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

const fs::path k_binary = "/opt/fstage/bin/fstage";

HostReport check(const Tree& t, const TrialResults& trial, WritablePredicate writable = {}) {
  HostCheckOptions o;
  o.root = t.root();
  o.writable = writable ? writable : listed_readonly(t.root());
  o.binary = k_binary;
  o.uid = trial.root ? 0 : 1000;
  o.self_pid = 4242;
  return check_host(trial, o);
}

TrialResults user(bool userns) {
  TrialResults t;
  t.userns = userns;
  t.namespaces = userns;
  t.seccomp = true;
  if (!userns) {
    t.notes.push_back("user namespace unusable: setting up uid map: Permission denied");
  }
  return t;
}

TrialResults root_trial() {
  TrialResults t = user(true);
  t.root = true;
  return t;
}

const Finding& get(const HostReport& r, const std::string& id) {
  for (const auto& f : r.findings) {
    if (f.id == id) {
      return f;
    }
  }
  FAIL("no finding " << id);
  return r.findings.front();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("doctor: sandbox::check_host: cgroup v1 hybrid as root is T0", "[doctor][host]") {
  Tree t("debian-12-v1-hybrid");
  auto r = check(t, root_trial());
  CHECK(r.tier == Tier::t0);
  CHECK(r.cgroup.mode == CgroupMode::v1);
  CHECK(get(r, "cgroup").status == CheckStatus::ok);
  CHECK(has(get(r, "cgroup").summary, "cgroup v1 usable"));
  CHECK(get(r, "userns").status == CheckStatus::ok);
  CHECK(has(r.why, "enforced by the kernel"));
  for (const auto& f : r.findings) {
    CHECK(f.fix.empty());
  }
}

TEST_CASE("doctor: sandbox::check_host: a /.dockerenv on an ext4 root is not a container",
          "[doctor][host]") {
  Tree t("debian-12-v1-hybrid");
  auto r = check(t, root_trial());
  CHECK(r.container.engine.empty());
  CHECK(get(r, "container").status == CheckStatus::ok);
  CHECK(has(get(r, "container").detail, "/.dockerenv exists, but the root filesystem is ext4"));
}

TEST_CASE("doctor: sandbox::check_host: cgroup v1 hybrid as a user is T1 with the v2 switch as fix",
          "[doctor][host]") {
  Tree t("debian-12-v1-hybrid");
  auto r = check(t, user(true), [](const fs::path&) { return false; });
  CHECK(r.tier == Tier::t1);
  const auto& cg = get(r, "cgroup");
  CHECK(cg.status == CheckStatus::warn);
  CHECK(has(cg.summary, "cgroup v1"));
  CHECK(has(cg.summary, "only root"));
  CHECK(has(cg.detail, "RSS watchdog"));
  CHECK(has(cg.fix, "systemd.unified_cgroup_hierarchy=1"));
  CHECK(has(cg.fix, "/etc/systemd/system/user@.service.d/delegate.conf"));
  CHECK(has(cg.fix, "Delegate=cpu cpuset io memory pids"));
  // No systemd on this host: the fix says so rather than pretending.
  CHECK(has(cg.fix, "does not run systemd"));
  CHECK(has(r.why, "no cgroup is usable"));
}

TEST_CASE(
    "doctor: sandbox::check_host: cgroup v2 delegated is T0 and AppArmor lets the profile through",
    "[doctor][host]") {
  Tree t("ubuntu-24.04-delegated");
  auto r = check(t, user(true));
  CHECK(r.tier == Tier::t0);
  CHECK(r.cgroup.mode == CgroupMode::v2);
  const auto& cg = get(r, "cgroup");
  CHECK(cg.status == CheckStatus::ok);
  CHECK(has(cg.summary, "cgroup v2 usable (cpu memory pids)"));
  const auto& aa = get(r, "apparmor");
  CHECK(aa.status == CheckStatus::ok);
  CHECK(has(aa.summary, "kernel.apparmor_restrict_unprivileged_userns = 1"));
  CHECK(has(aa.summary, "a profile allows fstage"));
}

TEST_CASE(
    "doctor: sandbox::check_host: delegated cgroup v2 without cpu and pids asks for the drop-in",
    "[doctor][host]") {
  Tree t("ubuntu-24.04-delegated");
  t.write(
      "sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/fstage.scope/"
      "cgroup.controllers",
      "memory\n");
  auto r = check(t, user(true));
  CHECK(r.tier == Tier::t0);
  const auto& cg = get(r, "cgroup");
  CHECK(cg.status == CheckStatus::warn);
  CHECK(has(cg.summary, "no cpu, pids controller"));
  CHECK(has(cg.fix, "sudo tee /etc/systemd/system/user@.service.d/delegate.conf"));
  CHECK(has(cg.fix, "[Service]\nDelegate=cpu cpuset io memory pids\n"));
  CHECK(has(cg.fix, "systemctl daemon-reload"));
}

TEST_CASE("doctor: sandbox::check_host: cgroup v2 not delegated is T1 with the systemd drop-in",
          "[doctor][host]") {
  Tree t("ubuntu-24.04-apparmor");
  auto r = check(t, user(true));  // userns works (say, the profile is installed)
  CHECK(r.tier == Tier::t1);
  CHECK(r.cgroup.mode == CgroupMode::none);
  const auto& cg = get(r, "cgroup");
  CHECK(cg.status == CheckStatus::warn);
  CHECK(has(cg.summary, "cgroup v2 is not delegated to uid 1000"));
  CHECK(has(cg.detail, "session-N.scope"));
  CHECK(has(cg.fix, "sudo mkdir -p /etc/systemd/system/user@.service.d\n"));
  CHECK(has(cg.fix,
            "sudo tee /etc/systemd/system/user@.service.d/delegate.conf >/dev/null "
            "<<'EOF'\n[Service]\nDelegate=cpu cpuset io memory pids\nEOF\n"));
  CHECK(has(cg.fix, "systemd-run --user --scope -p Delegate=yes fstage invoke"));
  CHECK_FALSE(has(cg.fix, "does not run systemd"));
}

TEST_CASE(
    "doctor: sandbox::check_host: with the drop-in present, only the delegated scope is asked for",
    "[doctor][host]") {
  Tree t("ubuntu-24.04-apparmor");
  t.write("etc/systemd/system/user@.service.d/delegate.conf", std::string(k_delegate_dropin));
  auto r = check(t, user(true));
  const auto& cg = get(r, "cgroup");
  CHECK(has(cg.detail, "delegate.conf is already present"));
  CHECK(cg.fix == "systemd-run --user --scope -p Delegate=yes fstage invoke ...");
}

TEST_CASE(
    "doctor: sandbox::check_host: Ubuntu 24.04's AppArmor restriction gives T2 and the profile",
    "[doctor][host][apparmor]") {
  Tree t("ubuntu-24.04-apparmor");
  auto r = check(t, user(false));
  CHECK(r.tier == Tier::t2);
  CHECK(has(r.why, "no user namespace"));
  CHECK(has(r.why, "--require-isolation"));
  const auto& us = get(r, "userns");
  CHECK(us.status == CheckStatus::warn);
  CHECK(has(us.summary, "AppArmor restricts them"));
  CHECK(has(us.detail, "probe: user namespace unusable: setting up uid map"));
  const auto& aa = get(r, "apparmor");
  CHECK(aa.status == CheckStatus::warn);
  CHECK(has(aa.summary, "kernel.apparmor_restrict_unprivileged_userns = 1"));
  CHECK(has(aa.fix, "sudo tee /etc/apparmor.d/fstage >/dev/null <<'EOF'\n" +
                        apparmor_profile(k_binary) + "EOF\n"));
  CHECK(has(aa.fix, "profile fstage /opt/fstage/bin/fstage flags=(unconfined) {\n  userns,\n"));
  CHECK(has(aa.fix, "sudo apparmor_parser -r /etc/apparmor.d/fstage"));
  CHECK(has(aa.fix, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"));
  CHECK(has(aa.fix,
            "'kernel.apparmor_restrict_unprivileged_userns = 0' | sudo tee "
            "/etc/sysctl.d/60-fstage-userns.conf"));
  // Not a sysctl problem of its own: the userns fix points at AppArmor, not at sysctls.
  CHECK(us.fix.empty());
}

TEST_CASE("doctor: sandbox::check_host: an installed profile for another path is called out",
          "[doctor][host][apparmor]") {
  Tree t("ubuntu-24.04-delegated");  // its profile names /usr/bin/fstage
  auto r = check(t, user(false));
  CHECK(has(get(r, "apparmor").detail,
            "/etc/apparmor.d/fstage exists but does not name /opt/fstage/bin/fstage"));
}

TEST_CASE("doctor: sandbox::check_host: AppArmor's restriction does not bind root",
          "[doctor][host]") {
  Tree t("ubuntu-24.04-apparmor");
  auto r = check(t, root_trial());
  CHECK(get(r, "apparmor").status == CheckStatus::ok);
  CHECK(has(get(r, "apparmor").summary, "but not root's"));
}

TEST_CASE("doctor: sandbox::check_host: kernel.unprivileged_userns_clone = 0", "[doctor][host]") {
  Tree t("userns-clone-disabled");
  auto r = check(t, user(false));
  CHECK(r.tier == Tier::t2);
  const auto& us = get(r, "userns");
  CHECK(us.status == CheckStatus::warn);
  CHECK(has(us.summary, "kernel.unprivileged_userns_clone = 0"));
  CHECK(us.fix ==
        "sudo sysctl -w kernel.unprivileged_userns_clone=1\n"
        "printf '%s\\n' 'kernel.unprivileged_userns_clone = 1' | sudo tee "
        "/etc/sysctl.d/60-fstage-userns.conf");
  CHECK(get(r, "apparmor").status == CheckStatus::ok);
}

TEST_CASE("doctor: sandbox::check_host: user.max_user_namespaces = 0", "[doctor][host]") {
  Tree t("max-userns-zero");
  auto r = check(t, user(false));
  CHECK(r.tier == Tier::t2);
  const auto& us = get(r, "userns");
  CHECK(has(us.summary, "user.max_user_namespaces = 0"));
  CHECK(has(us.fix, "sudo sysctl -w user.max_user_namespaces=15000\n"));
  CHECK(has(us.fix, "'user.max_user_namespaces = 15000' | sudo tee"));
}

TEST_CASE("doctor: sandbox::check_host: inside Docker", "[doctor][host][container]") {
  Tree t("docker");
  auto r = check(t, user(false));
  CHECK(r.tier == Tier::t2);
  CHECK(r.container.engine == "docker");
  const auto& c = get(r, "container");
  CHECK(c.status == CheckStatus::warn);
  CHECK(has(c.summary, "inside docker (/.dockerenv exists, the root filesystem is overlay)"));
  CHECK(has(c.fix, "docker run --security-opt seccomp=unconfined"));
  CHECK(has(get(r, "userns").summary, "inside docker"));
  // The private cgroup namespace's root is writable but holds other processes.
  const auto& cg = get(r, "cgroup");
  CHECK(cg.status == CheckStatus::warn);
  CHECK(has(cg.summary, "also holds other processes"));
  CHECK(has(cg.detail, "other processes: 1 7"));
  CHECK(has(cg.fix, "/sys/fs/cgroup/init/cgroup.procs"));
  CHECK(has(get(r, "seccomp").detail, "already runs under a seccomp filter"));
}

TEST_CASE("doctor: sandbox::check_host: inside Docker with user namespaces allowed is fine",
          "[doctor][host][container]") {
  Tree t("docker");
  auto r = check(t, user(true));
  CHECK(get(r, "container").status == CheckStatus::ok);
  CHECK(get(r, "container").fix.empty());
}

TEST_CASE("doctor: sandbox::detect_container: podman, lxc and kubernetes",
          "[doctor][host][container]") {
  Tree t("debian-12-v1-hybrid");
  CHECK(detect_container(t.root()).engine.empty());
  SECTION("podman") {
    t.write("run/.containerenv", "engine=\"podman-4.9\"\n");
    auto c = detect_container(t.root());
    CHECK(c.engine == "podman");
    CHECK(c.evidence.at(0) == "/run/.containerenv exists");
  }
  SECTION("lxc via systemd's marker") {
    t.write("run/systemd/container", "lxc\n");
    CHECK(detect_container(t.root()).engine == "lxc");
    auto r = check(t, user(false));
    CHECK(has(get(r, "container").fix, "security.nesting=true"));
  }
  SECTION("kubernetes via pid 1's cgroup") {
    t.write("proc/1/cgroup", "0::/kubepods/besteffort/pod1/abc\n");
    CHECK(detect_container(t.root()).engine == "kubernetes");
  }
  SECTION("docker v1 via pid 1's cgroup makes /.dockerenv count") {
    t.write("proc/1/cgroup", "4:memory:/docker/0123abcd\n");
    auto c = detect_container(t.root());
    CHECK(c.engine == "docker");
    CHECK(c.evidence.size() == 2);
  }
}

TEST_CASE("doctor: sandbox::check_host: FSTAGE_SANDBOX_DISABLE is named with its fix",
          "[doctor][host]") {
  Tree t("ubuntu-24.04-delegated");
  TrialResults trial = user(true);
  trial.disabled = {"cgroup", "seccomp"};
  trial.seccomp = false;
  auto r = check(t, trial);
  CHECK(r.tier == Tier::t1);
  CHECK(has(get(r, "cgroup").summary, "FSTAGE_SANDBOX_DISABLE=cgroup,seccomp"));
  CHECK(get(r, "cgroup").fix == "unset FSTAGE_SANDBOX_DISABLE");
  CHECK(get(r, "seccomp").status == CheckStatus::warn);
  CHECK(get(r, "seccomp").fix == "unset FSTAGE_SANDBOX_DISABLE");
}

TEST_CASE("doctor: sandbox::check_host: no seccomp in the kernel", "[doctor][host]") {
  Tree t("ubuntu-24.04-delegated");
  TrialResults trial = user(true);
  trial.seccomp = false;
  auto r = check(t, trial);
  CHECK(get(r, "seccomp").status == CheckStatus::warn);
  CHECK(has(get(r, "seccomp").fix, "CONFIG_SECCOMP_FILTER=y"));
}

TEST_CASE("doctor: sandbox::check_host: root without a user namespace still has namespaces",
          "[doctor][host]") {
  Tree t("debian-12-v1-hybrid");
  TrialResults trial = root_trial();
  trial.userns = false;
  auto r = check(t, trial);
  CHECK(r.tier == Tier::t2);
  CHECK(has(r.why, "as root, fstage still isolates with namespaces"));
}

TEST_CASE("doctor: sandbox::apparmor_profile quotes paths with spaces",
          "[doctor][host][apparmor]") {
  CHECK(has(apparmor_profile("/home/me/my build/fstage"),
            "profile fstage \"/home/me/my build/fstage\" flags=(unconfined) {"));
  CHECK(has(apparmor_profile({}), "profile fstage /usr/bin/fstage flags=(unconfined)"));
  CHECK(apparmor_profile("/usr/bin/fstage").starts_with("abi <abi/4.0>,\n"));
}
