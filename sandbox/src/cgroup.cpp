// SPDX-License-Identifier: Apache-2.0
// Cgroup detection and the Cgroup handle. Detection only reads (mountinfo, /proc/self/cgroup,
// cgroup.controllers) and checks access(2), so it runs against fixture trees in tests.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <fstage/base/strings.hpp>
#include <fstage/sandbox/cgroup.hpp>

#include "cgroup_io.hpp"
#include "kernel_file.hpp"

namespace fstage::sandbox {

namespace fs = std::filesystem;
using namespace detail;

std::string_view to_string(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::none:
      return "none";
    case CgroupMode::v1:
      return "cgroup v1";
    case CgroupMode::v2:
      return "cgroup v2";
  }
  return "none";
}

bool CgroupSupport::has(std::string_view controller) const {
  if (mode == CgroupMode::v2) {
    return std::find(v2_controllers.begin(), v2_controllers.end(), controller) !=
           v2_controllers.end();
  }
  return mode == CgroupMode::v1 && v1_dirs.count(std::string(controller)) > 0;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
  // (1)(2)(3)   (4)   (5)      (6)      (7)    (8) (9)   (10)         (11)
  std::vector<CgroupMount> out;
  for (const auto& line : split(mountinfo, '\n')) {
    auto fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 7 || dash == fields.end() || dash + 3 > fields.end()) {
      continue;
    }
    const std::string& fstype = *(dash + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") {
      continue;
    }
    CgroupMount m;
    m.root = fields[3];
    m.mount_point = fields[4];
    m.v2 = fstype == "cgroup2";
    if (!m.v2) {
      for (const auto& opt : split(*(dash + 3), ',')) {
        if (opt != "rw" && opt != "ro" && opt.find('=') == std::string::npos &&
            opt != "clone_children" && opt != "noprefix" && opt != "xattr") {
          m.controllers.push_back(opt);
        }
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::map<std::string, std::string> parse_proc_cgroup(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const auto& line : split(text, '\n')) {
    auto c1 = line.find(':');
    auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string::npos) {
      continue;
    }
    std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    std::string path = line.substr(c2 + 1);
    if (controllers.empty()) {
      out[""] = path;
      continue;
    }
    for (const auto& c : split(controllers, ',')) {
      out[c] = path;
    }
  }
  return out;
}

std::uint64_t read_flat_keyed(std::string_view text, std::string_view key) {
  for (const auto& line : split(text, '\n')) {
    auto sp = line.find(' ');
    if (sp != std::string::npos && std::string_view(line).substr(0, sp) == key) {
      return std::strtoull(line.c_str() + sp + 1, nullptr, 10);
    }
  }
  return 0;
}

namespace {

// Our directory in a hierarchy: mount point + our path relative to the mount's root. With a
// cgroup namespace the path in /proc/self/cgroup is already relative ("/"); without one, a
// container's mount root ("/docker/abc") prefixes it.
fs::path own_dir(const fs::path& root, const CgroupMount& m, std::string path) {
  if (m.root != "/" && path.starts_with(m.root)) {
    path = path.substr(m.root.size());
  }
  fs::path dir = root / fs::path(m.mount_point).relative_path();
  fs::path rel = fs::path(path).relative_path();
  return rel.empty() ? dir : dir / rel;
}

bool access_writable(const fs::path& p) {
  return ::access(p.c_str(), W_OK) == 0;
}

}  // namespace

CgroupSupport detect_cgroups(const fs::path& root, const WritablePredicate& predicate) {
  const WritablePredicate writable = predicate ? predicate : WritablePredicate(access_writable);
  CgroupSupport s;
  auto mounts = parse_cgroup_mounts(cg_read(root / "proc/self/mountinfo"));
  auto own = parse_proc_cgroup(cg_read(root / "proc/self/cgroup"));
  std::vector<std::string> reasons;
  for (const auto& m : mounts) {
    if (!m.v2 || own.count("") == 0) {
      continue;
    }
    fs::path dir = own_dir(root, m, own[""]);
    auto controllers = split(std::string(trim(cg_read(dir / "cgroup.controllers"))), ' ');
    controllers.erase(std::remove(controllers.begin(), controllers.end(), ""), controllers.end());
    if (std::find(controllers.begin(), controllers.end(), "memory") == controllers.end()) {
      reasons.push_back("cgroup v2 at " + m.mount_point + " offers no memory controller");
      continue;
    }
    if (!writable(dir) || !writable(dir / "cgroup.procs") ||
        !writable(dir / "cgroup.subtree_control")) {
      reasons.push_back("cgroup v2: " + dir.string() + " is not delegated to us (not writable)");
      continue;
    }
    s.mode = CgroupMode::v2;
    s.v2_dir = dir;
    s.v2_controllers = controllers;
    s.reason = "cgroup v2 delegated at " + dir.string();
    return s;
  }
  for (const char* controller : {"memory", "pids", "cpu"}) {
    auto m = std::find_if(mounts.begin(), mounts.end(), [&](const CgroupMount& cm) {
      return !cm.v2 && std::find(cm.controllers.begin(), cm.controllers.end(), controller) !=
                           cm.controllers.end();
    });
    if (m == mounts.end() || own.count(controller) == 0) {
      continue;
    }
    fs::path dir = own_dir(root, *m, own[controller]);
    if (cg_exists(dir) && writable(dir)) {
      s.v1_dirs[controller] = dir;
    } else if (std::string_view(controller) == "memory") {
      reasons.push_back("cgroup v1 memory hierarchy " + dir.string() +
                        " is not writable (v1 needs root)");
    }
  }
  if (s.v1_dirs.count("memory") > 0) {
    s.mode = CgroupMode::v1;
    s.reason = "cgroup v1 (writable) under " + s.v1_dirs["memory"].string();
    return s;
  }
  s.v1_dirs.clear();
  if (mounts.empty()) {
    reasons.push_back("no cgroup filesystem is mounted");
  }
  s.reason = join(reasons, "; ");
  return s;
}

// --- Cgroup ---

Cgroup::Cgroup() = default;

struct Cgroup::Files {
  KernelFile peak;     // v1 memory.max_usage_in_bytes, v2 memory.peak: read and reset
  KernelFile current;  // v1 memory.usage_in_bytes, v2 memory.current
};

Expected<Cgroup> Cgroup::create(const CgroupSupport& support, const std::string& name,
                                const Limits& limits, pid_t self_pid) {
  Expected<CgroupLeaf> leaf =
      support.mode == CgroupMode::v2   ? create_v2_leaf(support, name, limits, self_pid)
      : support.mode == CgroupMode::v1 ? create_v1_leaf(support, name, limits)
                                       : fail(ErrorCode::sandbox, "no usable cgroup");
  Cgroup cg;
  cg.m_mode = support.mode;
  if (!leaf) {
    return fail(std::move(leaf).error().with_context("while creating the sandbox's cgroup"));
  }
  cg.m_dirs = leaf->dirs;
  cg.m_memory_dir = leaf->memory_dir;
  cg.m_procs_dir = leaf->procs_dir;
  cg.m_enforced = leaf->enforced;
  std::string events = cg.m_mode == CgroupMode::v2 ? "memory.events" : "memory.oom_control";
  cg.m_oom_kills_at_start = read_flat_keyed(cg_read(cg.m_memory_dir / events), "oom_kill");
  const bool v2 = cg.m_mode == CgroupMode::v2;
  // One descriptor for reading and resetting the peak: on Linux >= 6.12 a v2 reset applies
  // to the descriptor it was written through.
  cg.m_files = std::make_unique<Files>(Files{
      KernelFile(cg.m_memory_dir / (v2 ? "memory.peak" : "memory.max_usage_in_bytes"), O_RDWR),
      KernelFile(cg.m_memory_dir / (v2 ? "memory.current" : "memory.usage_in_bytes"), O_RDONLY)});
  return cg;
}

Cgroup::Cgroup(Cgroup&& o) noexcept
    : m_mode(o.m_mode),
      m_dirs(std::move(o.m_dirs)),
      m_memory_dir(std::move(o.m_memory_dir)),
      m_procs_dir(std::move(o.m_procs_dir)),
      m_enforced(std::move(o.m_enforced)),
      m_oom_kills_at_start(o.m_oom_kills_at_start),
      m_files(std::move(o.m_files)) {
  o.m_dirs.clear();
}

Cgroup& Cgroup::operator=(Cgroup&& o) noexcept {
  if (this != &o) {
    remove();
    m_mode = o.m_mode;
    m_dirs = std::move(o.m_dirs);
    m_memory_dir = std::move(o.m_memory_dir);
    m_procs_dir = std::move(o.m_procs_dir);
    m_enforced = std::move(o.m_enforced);
    m_oom_kills_at_start = o.m_oom_kills_at_start;
    m_files = std::move(o.m_files);
    o.m_dirs.clear();
  }
  return *this;
}

Cgroup::~Cgroup() {
  remove();
}

Expected<void> Cgroup::add(pid_t pid) const {
  for (const auto& dir : m_dirs) {
    FSTAGE_TRY(cg_write_checked(dir / "cgroup.procs", std::to_string(pid)));
  }
  return {};
}

std::vector<std::filesystem::path> Cgroup::self_join_files() const {
  std::vector<std::filesystem::path> files;
  if (m_mode == CgroupMode::v1) {
    for (const auto& dir : m_dirs) {
      files.push_back(dir / "tasks");
    }
  }
  return files;
}

bool Cgroup::oom_killed() const {
  std::string events = m_mode == CgroupMode::v2 ? "memory.events" : "memory.oom_control";
  return read_flat_keyed(cg_read(m_memory_dir / events), "oom_kill") > m_oom_kills_at_start;
}

std::uint64_t Cgroup::peak_bytes() const {
  return m_files ? m_files->peak.read_u64() : 0;
}

std::uint64_t Cgroup::current_bytes() const {
  return m_files ? m_files->current.read_u64() : 0;
}

void Cgroup::reset_peak() const {
  if (m_files) {
    // v2: Linux >= 6.12; harmless before.
    m_files->peak.write(m_mode == CgroupMode::v1 ? "0" : "reset");
  }
}

void Cgroup::kill_all() const {
  if (m_dirs.empty()) {
    return;
  }
  if (m_mode == CgroupMode::v2 && cg_write(m_procs_dir / "cgroup.kill", "1") == 0) {
    return;
  }
  for (int round = 0; round < 50; ++round) {
    auto pids = cg_read_pids(m_procs_dir / "cgroup.procs");
    if (pids.empty()) {
      return;
    }
    for (pid_t p : pids) {
      ::kill(p, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Cgroup::release() {
  m_files.reset();
  m_dirs.clear();
}

void Cgroup::remove() {
  m_files.reset();
  if (m_dirs.empty()) {
    return;
  }
  kill_all();
  // Killed processes leave the cgroup a moment after SIGKILL: rmdir says EBUSY until then.
  for (const auto& dir : m_dirs) {
    for (int i = 0; i < 200 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  m_dirs.clear();
}

// --- file helpers ---

namespace detail {

std::string cg_read(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

int cg_write(const fs::path& file, std::string_view text) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_CREAT, 0644);
  if (fd < 0) {
    return errno;
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  int e = n == static_cast<ssize_t>(text.size()) ? 0 : (n < 0 ? errno : EIO);
  ::close(fd);
  return e;
}

Expected<void> cg_write_checked(const fs::path& file, std::string_view text) {
  if (int e = cg_write(file, text); e != 0) {
    return fail(Error::from_errno("write", file.string(), e));
  }
  return {};
}

std::uint64_t cg_read_u64(const fs::path& file) {
  return std::strtoull(cg_read(file).c_str(), nullptr, 10);
}

std::vector<pid_t> cg_read_pids(const fs::path& file) {
  std::vector<pid_t> out;
  for (const auto& line : split(cg_read(file), '\n')) {
    if (!line.empty()) {
      out.push_back(static_cast<pid_t>(std::strtol(line.c_str(), nullptr, 10)));
    }
  }
  return out;
}

bool cg_exists(const fs::path& p) {
  return ::access(p.c_str(), F_OK) == 0;
}

}  // namespace detail

}  // namespace fstage::sandbox
