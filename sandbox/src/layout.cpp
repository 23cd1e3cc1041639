// SPDX-License-Identifier: Apache-2.0
// The sandbox's filesystem, parent side: what goes where. A tmpfs root holding read-only
// binds of the system (/usr and the usr-merge links), a minimal /etc, the runtime shims,
// the code at /opt/function/code, a writable /tmp, a fresh /proc and a minimal /dev. No
// $HOME, no /run, no /sys: nothing of the user's or the host's state is visible.
#include "layout.hpp"

#include <algorithm>
#include <ctime>
#include <dirent.h>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include <sys/mount.h>
#include <sys/stat.h>

namespace fstage::sandbox::detail {

namespace fs = std::filesystem;

namespace {

const std::string k_old = "/.oldroot";

// /etc entries programs need to run: the dynamic loader's cache, name service and TLS
// configuration, time zone, and the alternatives links (Debian's java, editor, ...).
constexpr const char* k_etc_entries[] = {
    "ld.so.cache", "ld.so.conf",   "ld.so.conf.d",    "nsswitch.conf",
    "resolv.conf", "host.conf",    "gai.conf",        "localtime",
    "timezone",    "ssl",          "ca-certificates", "ca-certificates.conf",
    "pki",         "alternatives", "mime.types",      "protocols",
    "services",
};
// Prefixes of per-runtime configuration directories (/etc/java-17-openjdk holds the JDK's
// security policy; /etc/python3.11 Debian's sitecustomize).
constexpr const char* k_etc_prefixes[] = {"java-", "python3"};

// `is_dir`: the caller's answer from a stat it already made; empty: stat the source here.
MountOp bind_op(const fs::path& host, std::string inside, bool writable, unsigned long flags,
                std::optional<bool> is_dir = std::nullopt) {
  MountOp op;
  op.kind = MountKind::bind;
  op.source = k_old + host.string();
  op.target = std::move(inside);
  std::error_code ec;
  op.source_is_dir = is_dir ? *is_dir : fs::is_directory(host, ec);
  op.writable = writable;
  op.flags = flags;
  return op;
}

MountOp simple(MountKind kind, std::string target, std::string data = {}, unsigned mode = 0755,
               unsigned long flags = 0) {
  MountOp op;
  op.kind = kind;
  op.target = std::move(target);
  op.data = std::move(data);
  op.mode = mode;
  op.flags = flags;
  return op;
}

// Resolves symlinks in a bind source (a /etc/resolv.conf pointing into /run must be bound
// from its real place); false when it does not exist.
bool resolve(const fs::path& p, fs::path& real, std::optional<bool>* is_dir = nullptr) {
  bool dir = false;
  auto got = real_path(p, is_dir != nullptr ? &dir : nullptr);
  if (!got) {
    return false;
  }
  real = std::move(*got);
  if (is_dir != nullptr) {
    *is_dir = dir;
  }
  return true;
}

// resolve() for an entry of the host's /etc: only a symlink needs the walk (realpath reads
// every component of the path); anything else is bound from where it is. Twenty entries are
// looked at on every sandbox start.
// `is_dir` is set when the lstat already tells (anything but a symlink).
bool resolve_etc_entry(const fs::path& p, fs::path& real, std::optional<bool>& is_dir) {
  std::error_code ec;
  auto st = fs::symlink_status(p, ec);
  is_dir.reset();
  if (ec || !fs::exists(st)) {
    return false;
  }
  if (fs::is_symlink(st)) {
    return resolve(p, real, &is_dir);
  }
  real = p;
  is_dir = fs::is_directory(st);
  return true;
}

// readlink(2) into a string; empty on error. (fs::read_symlink lstats first.)
std::string read_link(const fs::path& p) {
  char buf[4096];
  ssize_t n = ::readlink(p.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

void add_system(std::vector<MountOp>& ops) {
  ops.push_back(bind_op("/usr", "/usr", false, MS_NOSUID | MS_NODEV));
  for (const char* name : {"bin", "sbin", "lib", "lib32", "lib64", "libx32"}) {
    fs::path host = fs::path("/") / name;
    std::error_code ec;
    auto st = fs::symlink_status(host, ec);
    if (ec) {
      continue;
    }
    if (fs::is_symlink(st)) {
      ops.push_back(simple(MountKind::symlink, host.string(), read_link(host)));
    } else if (fs::is_directory(st)) {
      ops.push_back(bind_op(host, host.string(), false, MS_NOSUID | MS_NODEV, true));
    }
  }
}

}  // namespace

// The names in `etc` that start with one of k_etc_prefixes. Reading /etc took 0.15 to
// 0.35 ms here (ext4 hashes and sorts a directory's every entry on each open) for two or
// three names, so the answer is kept in `cache_dir` under the directory's identity, link
// count and mtime: an entry added, removed or renamed changes the mtime, and a subdirectory
// (what the prefixes name) the link count too. As git does against "racy" timestamps, a
// listing is cached only once the mtime is two seconds old: a change in the same clock tick
// as the one before would not move the mtime. Without a cache directory, or when the cache
// cannot be written, the directory is read every time.
std::vector<std::string> etc_runtime_entries(const fs::path& cache_dir, const fs::path& etc) {
  struct stat st {};
  if (::stat(etc.c_str(), &st) != 0) {
    return {};
  }
  const std::string key = "key=" + std::to_string(st.st_dev) + " " + std::to_string(st.st_ino) +
                          " " + std::to_string(st.st_nlink) + " " +
                          std::to_string(st.st_mtim.tv_sec) + "." +
                          std::to_string(st.st_mtim.tv_nsec) + " " + etc.string() + "\n";
  fs::path cache = cache_dir.empty() ? fs::path() : cache_dir / "etc-entries";
  if (!cache.empty()) {
    if (auto text = read_file(cache); text && text->starts_with(key)) {
      std::vector<std::string> names = split(std::string_view(*text).substr(key.size()), '\n');
      names.erase(std::remove(names.begin(), names.end(), ""), names.end());
      return names;
    }
    if (::time(nullptr) - st.st_mtim.tv_sec < 2) {
      cache.clear();
    }
  }
  std::vector<std::string> names;
  // readdir, not fs::directory_iterator: this host's /etc has 145 entries, and building a
  // path for each cost 0.3 million instructions, for the two or three wanted.
  if (DIR* d = ::opendir(etc.c_str())) {
    while (const dirent* de = ::readdir(d)) {
      std::string_view name = de->d_name;
      for (const char* prefix : k_etc_prefixes) {
        if (name.starts_with(prefix)) {
          names.emplace_back(name);
        }
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  if (!cache.empty()) {
    std::string text = key;
    for (const auto& n : names) {
      text += n + "\n";
    }
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    (void)write_file_atomic(cache, text);
  }
  return names;
}

namespace {

// /etc is a small tmpfs of its own: the generated files go in first, then the host's entries
// are bound on top, and one recursive remount makes the lot read-only (one call, where a
// remount per bind cost twenty). Nothing can be mounted below /etc after that: a configured
// bind there fails at its mount point (EROFS), which no runtime asks for.
void add_etc(std::vector<MountOp>& ops, uid_t uid, gid_t gid, const std::string& hostname,
             const fs::path& cache_dir) {
  ops.push_back(simple(MountKind::tmpfs, "/etc", "size=1m,nr_inodes=1k,mode=0755", 0755,
                       MS_NOSUID | MS_NODEV));
  ops.push_back(simple(MountKind::file, "/etc/passwd", passwd_text(uid, gid), 0644));
  ops.push_back(simple(MountKind::file, "/etc/group", group_text(gid), 0644));
  ops.push_back(simple(MountKind::file, "/etc/hostname", hostname + "\n", 0644));
  ops.push_back(simple(MountKind::file, "/etc/hosts", hosts_text(hostname), 0644));
  std::vector<fs::path> entries;
  for (const char* e : k_etc_entries) {
    entries.push_back(fs::path("/etc") / e);
  }
  for (const auto& name : etc_runtime_entries(cache_dir)) {
    entries.push_back(fs::path("/etc") / name);
  }
  std::error_code ec;
  // (An /etc that is itself a symlink gets the full walk for every entry.)
  const bool etc_is_dir = !fs::is_symlink(fs::symlink_status("/etc", ec));
  for (const auto& e : entries) {
    fs::path real;
    std::optional<bool> is_dir;
    if (etc_is_dir ? resolve_etc_entry(e, real, is_dir) : resolve(e, real)) {
      MountOp op = bind_op(real, e.string(), false, MS_NOSUID | MS_NODEV, is_dir);
      op.ro_later = true;
      ops.push_back(std::move(op));
    }
  }
  MountOp ro = simple(MountKind::remount_ro, "/etc", {}, 0, MS_NOSUID | MS_NODEV);
  ro.recursive = true;
  ops.push_back(std::move(ro));
}

void add_dev(std::vector<MountOp>& ops, const Limits& limits) {
  ops.push_back(
      simple(MountKind::tmpfs, "/dev", "size=64k,mode=0755", 0755, MS_NOSUID | MS_NOEXEC));
  // Device nodes cannot be created in a user namespace (mknod needs the init namespace's
  // CAP_MKNOD), so bind the host's harmless ones onto empty files.
  for (const char* name : {"null", "zero", "full", "random", "urandom", "tty"}) {
    fs::path host = fs::path("/dev") / name;
    std::error_code ec;
    if (fs::exists(host, ec)) {
      MountOp op = bind_op(host, host.string(), true, 0, false);
      op.device = true;
      ops.push_back(std::move(op));
    }
  }
  ops.push_back(simple(MountKind::symlink, "/dev/fd", "/proc/self/fd"));
  ops.push_back(simple(MountKind::symlink, "/dev/stdin", "/proc/self/fd/0"));
  ops.push_back(simple(MountKind::symlink, "/dev/stdout", "/proc/self/fd/1"));
  ops.push_back(simple(MountKind::symlink, "/dev/stderr", "/proc/self/fd/2"));
  ops.push_back(simple(MountKind::tmpfs, "/dev/shm",
                       "size=" + std::to_string(limits.shm_mb) + "m,mode=1777", 01777,
                       MS_NOSUID | MS_NODEV));
  ops.push_back(simple(MountKind::remount_ro, "/dev", {}, 0, MS_NOSUID));
}

}  // namespace

std::string passwd_text(uid_t uid, gid_t gid) {
  std::string text = "root:x:0:0:root:/root:/bin/sh\n";
  if (uid != 0 && uid != 65534) {
    text += "snuser:x:" + std::to_string(uid) + ":" + std::to_string(gid) +
            ":FunctionGraph user:/home/snuser:/bin/sh\n";
  }
  return text + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
}

std::string group_text(gid_t gid) {
  std::string text = "root:x:0:\n";
  if (gid != 0 && gid != 65534) {
    text += "snuser:x:" + std::to_string(gid) + ":\n";
  }
  return text + "nogroup:x:65534:\n";
}

std::string hosts_text(const std::string& hostname) {
  return "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n";
}

Expected<std::vector<MountOp>> build_mounts(const SandboxConfig& config, uid_t uid, gid_t gid,
                                            const fs::path& cache_dir) {
  std::vector<MountOp> ops;
  add_system(ops);
  add_etc(ops, uid, gid, config.hostname, cache_dir);

  const std::string ids = ",uid=" + std::to_string(uid) + ",gid=" + std::to_string(gid);
  ops.push_back(simple(MountKind::dir, "/home/snuser"));
  ops.push_back(simple(MountKind::dir, std::string(k_runtime_root)));
  for (const auto& [inside, target] : config.links) {
    ops.push_back(simple(MountKind::symlink, inside, target));
  }
  for (const auto& f : config.files) {
    MountOp op = simple(MountKind::file, f.inside, {}, f.mode);
    op.content = f.data;
    ops.push_back(std::move(op));
  }
  ops.push_back(simple(MountKind::tmpfs, std::string(k_log_dir), "size=64m,mode=0755" + ids, 0755,
                       MS_NOSUID | MS_NODEV));

  if (!config.code_dir.empty()) {
    fs::path real;
    std::optional<bool> is_dir;
    if (!resolve(config.code_dir, real, &is_dir) || !*is_dir) {
      return fail(ErrorCode::not_found,
                  "code directory " + config.code_dir.string() + " does not exist");
    }
    ops.push_back(bind_op(real, std::string(k_code_root), false, MS_NOSUID | MS_NODEV, true));
    ops.back().user_path = true;
  }
  for (const auto& b : config.binds) {
    fs::path real;
    if (!resolve(b.host, real)) {
      return fail(ErrorCode::not_found, "bind source " + b.host.string() + " does not exist");
    }
    std::string inside = b.inside.empty() ? b.host.string() : b.inside;
    ops.push_back(bind_op(real, inside, b.writable, MS_NOSUID | MS_NODEV));
    ops.back().user_path = true;
  }

  for (const auto& m : config.masks) {
    std::error_code ec;
    if (fs::is_directory(m, ec)) {
      ops.push_back(simple(MountKind::tmpfs, m, "size=4k,nr_inodes=1,mode=0755", 0755,
                           MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    }
  }
  ops.push_back(simple(MountKind::tmpfs, "/tmp",
                       "size=" + std::to_string(config.limits.tmp_mb) + "m,mode=1777", 01777,
                       MS_NOSUID | MS_NODEV));
  add_dev(ops, config.limits);
  ops.push_back(simple(MountKind::proc, "/proc"));
  mark_parents(ops);
  return ops;
}

void mark_parents(std::vector<MountOp>& ops) {
  // Directories known to exist in the new root as the ops run in order: the root itself,
  // then what each op creates. A mount hides what was below its target, so those go.
  std::set<std::string> dirs{"/"};
  const auto parent = [](const std::string& p) {
    std::size_t slash = p.rfind('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : p.substr(0, slash);
  };
  const auto made = [&](std::string dir) {
    for (; dir != "/" && dirs.insert(dir).second; dir = parent(dir)) {
    }
  };
  const auto mounted_on = [&](const std::string& dir) {
    const std::string below = dir + "/";
    for (auto it = dirs.lower_bound(below); it != dirs.end() && it->starts_with(below);) {
      it = dirs.erase(it);
    }
  };
  for (auto& op : ops) {
    op.parent_made = dirs.count(parent(op.target)) > 0;
    switch (op.kind) {
      case MountKind::dir:
        made(op.target);
        break;
      case MountKind::tmpfs:
      case MountKind::proc:
        made(op.target);
        mounted_on(op.target);
        break;
      case MountKind::bind:
        if (op.source_is_dir) {
          made(op.target);
          mounted_on(op.target);
        } else {
          made(parent(op.target));
        }
        break;
      case MountKind::symlink:
      case MountKind::file:
        made(parent(op.target));
        break;
      case MountKind::remount_ro:
        break;
    }
  }
}

}  // namespace fstage::sandbox::detail
