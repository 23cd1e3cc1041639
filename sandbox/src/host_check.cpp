// SPDX-License-Identifier: Apache-2.0
// `fstage doctor`'s diagnosis of the sandbox (SANDBOX.md §2 "pitfalls", §4.2 tiers). Reads only
// files under a root, so each host shape has a fixture tree; what only a real attempt can
// tell (does clone(CLONE_NEWUSER) + uid_map + mount work?) comes from the probe's trial.
#include <algorithm>
#include <optional>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/host_check.hpp>

namespace fstage::sandbox {

namespace fs = std::filesystem;

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok:
      return "ok";
    case CheckStatus::warn:
      return "warn";
    case CheckStatus::fail:
      return "fail";
  }
  return "fail";
}

TrialResults TrialResults::from(const Capabilities& caps, const ProbeOptions& options) {
  TrialResults t;
  t.root = caps.root;
  t.userns = caps.userns;
  t.namespaces = caps.namespaces;
  t.seccomp = caps.seccomp;
  t.notes = caps.notes;
  t.disabled = options.disable;
  return t;
}

namespace {

// A file under the root, or "" when absent or unreadable.
std::string read_under(const fs::path& root, std::string_view rel) {
  return read_file(root / rel).value_or("");
}

bool exists_under(const fs::path& root, std::string_view rel) {
  std::error_code ec;
  return fs::exists(root / rel, ec);
}

std::optional<long> read_sysctl(const fs::path& root, std::string_view rel) {
  std::string text(trim(read_under(root, rel)));
  if (text.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  return end != nullptr && *end == '\0' ? std::optional(v) : std::nullopt;
}

struct Sysctls {
  std::optional<long> userns_clone;  // kernel.unprivileged_userns_clone (Debian ≤ 10, Arch)
  std::optional<long> max_userns;    // user.max_user_namespaces
  std::optional<long> apparmor;      // kernel.apparmor_restrict_unprivileged_userns (Ubuntu)
};

Sysctls read_sysctls(const fs::path& root) {
  return {read_sysctl(root, "proc/sys/kernel/unprivileged_userns_clone"),
          read_sysctl(root, "proc/sys/user/max_user_namespaces"),
          read_sysctl(root, "proc/sys/kernel/apparmor_restrict_unprivileged_userns")};
}

// The filesystem type and source of the mount at "/" (the last one wins, as in the kernel).
std::pair<std::string, std::string> root_mount(const fs::path& root) {
  std::pair<std::string, std::string> out;
  for (const auto& line : split(read_under(root, "proc/self/mountinfo"), '\n')) {
    auto f = split(line, ' ');
    auto dash = std::find(f.begin(), f.end(), "-");
    if (f.size() > 4 && f[4] == "/" && dash != f.end() && dash + 2 < f.end()) {
      out = {*(dash + 1), *(dash + 2)};
    }
  }
  return out;
}

std::string engine_in_cgroup(std::string_view text) {
  if (text.find("kubepods") != std::string_view::npos) {
    return "kubernetes";
  }
  if (text.find("libpod") != std::string_view::npos) {
    return "podman";
  }
  if (text.find("/docker") != std::string_view::npos ||
      text.find("docker-") != std::string_view::npos) {
    return "docker";
  }
  if (text.find("/lxc") != std::string_view::npos ||
      text.find("lxc.payload") != std::string_view::npos) {
    return "lxc";
  }
  return {};
}

std::string sysctl_fix(const std::vector<std::string>& settings) {
  std::string w = "sudo sysctl -w";
  std::string persist = "printf '%s\\n'";
  for (const auto& s : settings) {
    w += " " + s;
    auto eq = s.find('=');
    persist += " '" + s.substr(0, eq) + " = " + s.substr(eq + 1) + "'";
  }
  return w + "\n" + persist + " | sudo tee /etc/sysctl.d/60-fstage-userns.conf";
}

std::string disabled_list(const TrialResults& t) {
  std::vector<std::string> v(t.disabled.begin(), t.disabled.end());
  return join(v, ",");
}

std::string who(const TrialResults& t, const HostCheckOptions& o) {
  return t.root ? std::string("root") : "uid " + std::to_string(o.uid);
}

Finding check_userns(const TrialResults& t, const Sysctls& s, const ContainerInfo& c,
                     const HostCheckOptions& o) {
  Finding f{"userns", "user namespaces", CheckStatus::ok, "", "", ""};
  if (t.userns) {
    f.summary = "work for " + who(t, o) + ": clone, uid_map, tmpfs, proc and lo all succeeded";
    return f;
  }
  f.status = CheckStatus::warn;
  if (t.disabled.count("userns") > 0 || t.disabled.count("namespaces") > 0) {
    f.summary = "switched off by FSTAGE_SANDBOX_DISABLE=" + disabled_list(t);
    f.fix = "unset FSTAGE_SANDBOX_DISABLE";
    return f;
  }
  std::vector<std::string> causes;
  std::vector<std::string> settings;
  if (s.userns_clone == 0L) {
    causes.push_back("kernel.unprivileged_userns_clone = 0: only root may create them");
    settings.push_back("kernel.unprivileged_userns_clone=1");
  }
  if (s.max_userns == 0L) {
    causes.push_back("user.max_user_namespaces = 0: none may be created");
    settings.push_back("user.max_user_namespaces=15000");
  }
  if (s.apparmor.value_or(0) != 0 && !t.root) {
    causes.push_back("AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns = " +
                     std::to_string(*s.apparmor) + "): see the AppArmor check for the fix");
  }
  if (!c.engine.empty()) {
    causes.push_back("inside " + c.engine +
                     ", whose default seccomp profile denies them: see the container check");
  }
  f.summary = causes.empty() ? "unavailable to " + who(t, o) : "disabled: " + causes.front();
  for (std::size_t i = 1; i < causes.size(); ++i) {
    f.detail += "also: " + causes[i] + "\n";
  }
  for (const auto& n : t.notes) {
    if (n.find("user namespace") != std::string::npos || n.find("namespaces") == 0) {
      f.detail += "probe: " + n + "\n";
    }
  }
  if (t.namespaces) {
    f.detail += "as root, fstage still isolates with namespaces created without one\n";
  }
  if (!settings.empty()) {
    f.fix = sysctl_fix(settings);
  }
  if (!f.detail.empty()) {
    f.detail.pop_back();
  }
  return f;
}

// Whether the AppArmor profile under the root attaches to `binary`.
bool profile_names(const fs::path& root, const fs::path& binary) {
  std::string text = read_under(root, "etc/apparmor.d/fstage");
  return !binary.empty() && text.find(binary.string()) != std::string::npos;
}

Finding check_apparmor(const TrialResults& t, const Sysctls& s, const HostCheckOptions& o) {
  Finding f{"apparmor", "AppArmor", CheckStatus::ok, "", "", ""};
  if (!s.apparmor) {
    f.summary =
        "does not restrict user namespaces (no "
        "kernel.apparmor_restrict_unprivileged_userns on this kernel)";
    return f;
  }
  const std::string knob =
      "kernel.apparmor_restrict_unprivileged_userns = " + std::to_string(*s.apparmor);
  if (*s.apparmor == 0) {
    f.summary = "does not restrict user namespaces (" + knob + ")";
    return f;
  }
  if (t.root) {
    f.summary = "restricts user namespaces (" + knob + "), but not root's";
    return f;
  }
  if (t.userns) {
    f.summary = "restricts user namespaces (" + knob + "), but a profile allows fstage";
    return f;
  }
  f.status = CheckStatus::warn;
  f.summary = "denies fstage user namespaces (" + knob + ", Ubuntu ≥ 23.10)";
  f.detail =
      "unshare(CLONE_NEWUSER) succeeds, then writing uid_map and mounting are denied by the "
      "unprivileged_userns profile (bubblewrap#632)";
  if (exists_under(o.root, "etc/apparmor.d/fstage")) {
    f.detail += profile_names(o.root, o.binary)
                    ? "; /etc/apparmor.d/fstage names this binary but is not in force: load it"
                    : "; /etc/apparmor.d/fstage exists but does not name " + o.binary.string();
  }
  f.fix =
      "# narrow: allow only this fstage binary (path-based, survives rebuilds)\n"
      "sudo tee /etc/apparmor.d/fstage >/dev/null <<'EOF'\n" +
      apparmor_profile(o.binary) +
      "EOF\n"
      "sudo apparmor_parser -r /etc/apparmor.d/fstage\n"
      "# or global: lift the restriction for every program\n" +
      sysctl_fix({"kernel.apparmor_restrict_unprivileged_userns=0"});
  return f;
}

std::string controllers_text(const CgroupSupport& cg) {
  if (cg.mode == CgroupMode::v2) {
    return join(cg.v2_controllers, " ");
  }
  std::vector<std::string> v;
  for (const auto& [name, dir] : cg.v1_dirs) {
    v.push_back(name);
  }
  return join(v, " ");
}

std::string delegate_fix(bool systemd) {
  std::string drop = std::string(k_delegate_dropin_path);
  std::string fix = "sudo mkdir -p " + fs::path(drop).parent_path().string() + "\n" + "sudo tee " +
                    drop + " >/dev/null <<'EOF'\n" + std::string(k_delegate_dropin) +
                    "EOF\nsudo systemctl daemon-reload   # then log out and back in\n";
  if (!systemd) {
    fix =
        "# this host does not run systemd: as root, create a cgroup v2 directory owned by the\n"
        "# user and start fstage inside it; or, with systemd:\n" +
        fix;
  }
  return fix + "systemd-run --user --scope -p Delegate=yes fstage invoke ...";
}

// Pids in our own v2 cgroup other than ours: they stop us enabling controllers for children.
std::vector<std::string> other_pids(const CgroupSupport& cg, pid_t self) {
  std::vector<std::string> out;
  for (const auto& p : split(read_file(cg.v2_dir / "cgroup.procs").value_or(""), '\n')) {
    if (!p.empty() && p != std::to_string(self)) {
      out.push_back(p);
    }
  }
  return out;
}

constexpr const char* k_no_cgroup_effect =
    "memory is limited by an RSS watchdog (sampled every ~50 ms), CPU by "
    "RLIMIT_CPU without throttling, processes by RLIMIT_NPROC";

Finding check_cgroup_none(const TrialResults& t, const CgroupSupport& cg, const ContainerInfo& c,
                          const HostCheckOptions& o) {
  Finding f{"cgroup", "cgroups", CheckStatus::warn, "", "", ""};
  auto mounts = parse_cgroup_mounts(read_under(o.root, "proc/self/mountinfo"));
  bool unified = std::any_of(mounts.begin(), mounts.end(), [](const CgroupMount& m) {
    return m.v2 && m.mount_point == "/sys/fs/cgroup";
  });
  bool any_v1 = std::any_of(mounts.begin(), mounts.end(), [](const auto& m) { return !m.v2; });
  bool systemd = exists_under(o.root, "run/systemd/system");
  f.detail = cg.reason + "\nwithout a cgroup, " + k_no_cgroup_effect;
  if (mounts.empty()) {
    f.summary = "none mounted";
    f.fix = "sudo mount -t cgroup2 none /sys/fs/cgroup";
  } else if (unified && !c.engine.empty()) {
    f.summary = "cgroup v2 inside " + c.engine + " is read-only to fstage";
    f.fix = "run the container with a writable cgroup (" + c.engine +
            " run --privileged for a dev container), or run fstage on the host";
  } else if (unified) {
    bool dropin = exists_under(o.root, fs::path(k_delegate_dropin_path).relative_path().string());
    f.summary = "cgroup v2 is not delegated to " + who(t, o);
    f.detail +=
        "\nsystemd delegates cgroups only to user@UID.service and scopes started with "
        "Delegate=yes, never to a login session-N.scope";
    if (dropin) {
      f.detail += "\n" + std::string(k_delegate_dropin_path) + " is already present";
      f.fix = "systemd-run --user --scope -p Delegate=yes fstage invoke ...";
    } else {
      f.fix = delegate_fix(systemd);
    }
  } else if (any_v1 && !t.root) {
    f.summary = "cgroup v1 (hybrid or legacy): only root can use it, it cannot be delegated";
    f.fix =
        "# switch the host to cgroup v2, then delegate it to users:\n"
        "sudo sed -i 's/^GRUB_CMDLINE_LINUX=\"/&systemd.unified_cgroup_hierarchy=1 /' "
        "/etc/default/grub\n"
        "sudo update-grub && sudo reboot\n" +
        delegate_fix(systemd) + "\n# or run fstage as root";
  } else {
    f.summary = "no writable cgroup hierarchy";
  }
  return f;
}

Finding check_cgroup(const TrialResults& t, const CgroupSupport& cg, const ContainerInfo& c,
                     const HostCheckOptions& o) {
  Finding f{"cgroup", "cgroups", CheckStatus::ok, "", "", ""};
  if (t.disabled.count("cgroup") > 0) {
    f.status = CheckStatus::warn;
    f.summary = "switched off by FSTAGE_SANDBOX_DISABLE=" + disabled_list(t);
    f.fix = "unset FSTAGE_SANDBOX_DISABLE";
    return f;
  }
  if (cg.mode == CgroupMode::none) {
    return check_cgroup_none(t, cg, c, o);
  }
  f.summary = std::string(to_string(cg.mode)) + " usable (" + controllers_text(cg) + ")";
  f.detail = cg.reason;
  if (cg.mode == CgroupMode::v1) {
    return f;
  }
  std::vector<std::string> missing;
  for (const char* want : {"cpu", "pids"}) {
    if (!cg.has(want)) {
      missing.push_back(want);
    }
  }
  auto subtree =
      split(std::string(trim(read_file(cg.v2_dir / "cgroup.subtree_control").value_or(""))), ' ');
  auto others = other_pids(cg, o.self_pid);
  if (std::find(subtree.begin(), subtree.end(), "memory") == subtree.end() && !others.empty()) {
    f.status = CheckStatus::warn;
    f.summary = "cgroup v2 at " + cg.v2_dir.string() +
                " is writable but also holds other processes: controllers cannot be enabled "
                "for the sandboxes (\"no internal processes\")";
    f.detail += "\nother processes: " + join(others, " ");
    f.fix = c.engine.empty()
                ? "systemd-run --user --scope -p Delegate=yes fstage invoke ..."
                : "# in the container's entrypoint, move its processes into a child cgroup first:\n"
                  "mkdir -p /sys/fs/cgroup/init\n"
                  "xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs "
                  "|| :";
  } else if (!missing.empty()) {
    f.status = CheckStatus::warn;
    f.summary += ": no " + join(missing, ", ") + " controller, so no " +
                 (missing.front() == "cpu" ? "CPU throttling" : "process limit");
    f.fix = delegate_fix(exists_under(o.root, "run/systemd/system"));
  }
  return f;
}

Finding check_container(const TrialResults& t, const ContainerInfo& c) {
  Finding f{"container", "container", CheckStatus::ok, "", "", ""};
  if (c.engine.empty()) {
    f.summary = "not inside a container";
    f.detail = c.ignored;
    return f;
  }
  f.summary = "inside " + c.engine + " (" + join(c.evidence, ", ") + ")";
  if (t.userns) {
    return f;
  }
  f.status = CheckStatus::warn;
  f.detail =
      "the engine's default seccomp and AppArmor profiles deny clone(CLONE_NEWUSER) and "
      "mount (nsjail#78, moby#42455)";
  if (c.engine == "docker" || c.engine == "podman") {
    f.fix = c.engine +
            " run --security-opt seccomp=unconfined --security-opt apparmor=unconfined ...   # "
            "or --privileged for a dev container";
  } else if (c.engine == "lxc") {
    f.fix = "lxc config set CONTAINER security.nesting=true && lxc restart CONTAINER";
  } else if (c.engine == "kubernetes") {
    f.fix =
        "securityContext: {seccompProfile: {type: Unconfined}, appArmorProfile: {type: "
        "Unconfined}}";
  } else {
    f.fix = "allow user namespaces in the container (nesting), or run fstage on the host";
  }
  return f;
}

Finding check_seccomp(const TrialResults& t, const HostCheckOptions& o) {
  Finding f{"seccomp", "seccomp", CheckStatus::ok, "", "", ""};
  std::string mode;
  for (const auto& line : split(read_under(o.root, "proc/self/status"), '\n')) {
    if (line.starts_with("Seccomp:")) {
      mode = std::string(trim(line.substr(8)));
    }
  }
  if (t.disabled.count("seccomp") > 0) {
    f.status = CheckStatus::warn;
    f.summary = "switched off by FSTAGE_SANDBOX_DISABLE=" + disabled_list(t);
    f.fix = "unset FSTAGE_SANDBOX_DISABLE";
  } else if (t.seccomp) {
    f.summary = "filters available: the sandbox denies mount, unshare, bpf, keyctl and the like";
    if (mode == "2") {
      f.detail =
          "fstage already runs under a seccomp filter (a container's or a service's); "
          "the sandbox stacks its own";
    }
  } else {
    f.status = CheckStatus::warn;
    f.summary = "unavailable: the kernel lacks CONFIG_SECCOMP";
    f.fix = "use a kernel built with CONFIG_SECCOMP=y and CONFIG_SECCOMP_FILTER=y";
  }
  return f;
}

std::string tier_why(Tier tier, const TrialResults& t, const HostReport& r) {
  std::string userns_issue;
  for (const auto& f : r.findings) {
    if (f.id == "userns") {
      userns_issue = f.summary;
    }
  }
  switch (tier) {
    case Tier::t0:
      return "user namespaces work and " + std::string(to_string(r.cgroup.mode)) +
             " is usable: memory, CPU and process limits are enforced by the kernel";
    case Tier::t1:
      return "user namespaces work, but no cgroup is usable: " + std::string(k_no_cgroup_effect);
    case Tier::t2:
      break;
  }
  if (t.namespaces) {
    return "no user namespace (" + userns_issue +
           "); as root, fstage still isolates with namespaces created without one";
  }
  return "no user namespace (" + userns_issue +
         "): functions run without namespace isolation, with only no_new_privs, seccomp and "
         "rlimits; `fstage invoke --require-isolation` refuses to run";
}

}  // namespace

ContainerInfo detect_container(const fs::path& root) {
  ContainerInfo c;
  auto [fstype, source] = root_mount(root);
  bool overlay = fstype == "overlay" || fstype == "fuse-overlayfs";
  bool dockerenv = exists_under(root, ".dockerenv");
  if (exists_under(root, "run/.containerenv")) {
    c.engine = "podman";
    c.evidence.push_back("/run/.containerenv exists");
  }
  if (std::string s(trim(read_under(root, "run/systemd/container"))); !s.empty()) {
    c.engine = c.engine.empty() ? s : c.engine;
    c.evidence.push_back("/run/systemd/container says " + s);
  }
  for (const auto& var : split(read_under(root, "proc/1/environ"), '\0')) {
    if (var.starts_with("container=") && var.size() > 10) {
      c.engine = c.engine.empty() ? var.substr(10) : c.engine;
      c.evidence.push_back("pid 1 has " + var);
    }
  }
  if (std::string e = engine_in_cgroup(read_under(root, "proc/1/cgroup")); !e.empty()) {
    c.engine = c.engine.empty() ? e : c.engine;
    c.evidence.push_back("/proc/1/cgroup names " + e);
  }
  if (dockerenv && (overlay || !c.engine.empty())) {
    c.engine = c.engine.empty() ? "docker" : c.engine;
    c.evidence.push_back("/.dockerenv exists");
  }
  if (overlay && !c.engine.empty()) {
    c.evidence.push_back("the root filesystem is " + fstype);
  }
  if (c.engine.empty() && dockerenv) {
    c.ignored = "/.dockerenv exists, but the root filesystem is " +
                (fstype.empty() ? std::string("unknown") : fstype + " on " + source) +
                " and pid 1's cgroup names no engine: an image built from a container image, "
                "not a container";
  } else if (c.engine.empty() && overlay) {
    c.ignored = "the root filesystem is " + fstype + ", but nothing else suggests a container";
  }
  return c;
}

std::string apparmor_profile(const fs::path& binary) {
  std::string path = binary.empty() ? "/usr/bin/fstage" : binary.string();
  if (path.find_first_of(" \t\"") != std::string::npos) {
    path = "\"" + path + "\"";
  }
  return "abi <abi/4.0>,\n"
         "include <tunables/global>\n"
         "\n"
         "profile fstage " +
         path +
         " flags=(unconfined) {\n"
         "  userns,\n"
         "\n"
         "  include if exists <local/fstage>\n"
         "}\n";
}

HostReport check_host(const TrialResults& trial, const HostCheckOptions& options) {
  HostReport r;
  if (trial.disabled.count("cgroup") == 0) {
    r.cgroup = detect_cgroups(options.root, options.writable);
  } else {
    r.cgroup.reason = "cgroups disabled by FSTAGE_SANDBOX_DISABLE";
  }
  r.container = detect_container(options.root);
  Sysctls s = read_sysctls(options.root);
  r.findings.push_back(check_userns(trial, s, r.container, options));
  r.findings.push_back(check_apparmor(trial, s, options));
  r.findings.push_back(check_cgroup(trial, r.cgroup, r.container, options));
  r.findings.push_back(check_container(trial, r.container));
  r.findings.push_back(check_seccomp(trial, options));
  if (trial.userns) {
    r.tier = r.cgroup.mode != CgroupMode::none ? Tier::t0 : Tier::t1;
  } else {
    r.tier = Tier::t2;
  }
  r.why = tier_why(r.tier, trial, r);
  return r;
}

}  // namespace fstage::sandbox
