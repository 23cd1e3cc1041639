// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <fstage/base/access.hpp>
#include <fstage/base/fs.hpp>

#include <sys/stat.h>

namespace fstage {

namespace {

Blocked blocked_at(const fs::path& p, bool target) {
  Blocked b;
  b.path = p;
  b.target = target;
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0) {
    b.mode = st.st_mode;
    b.owner = st.st_uid;
    b.group = st.st_gid;
  }
  return b;
}

// The directories on the way to `abs` ("/a", "/a/b" for "/a/b/c"), then `abs`.
template <typename Check>
std::optional<Blocked> walk(const fs::path& abs, int want, Check&& may) {
  fs::path cur = abs.root_path();
  const fs::path rel = abs.relative_path();
  for (auto it = rel.begin(); it != rel.end(); ++it) {
    cur /= *it;
    const bool last = std::next(it) == rel.end();
    if (!may(cur, last ? want : X_OK)) {
      if (errno == ENOENT || errno == ENOTDIR) {
        return std::nullopt;
      }
      return blocked_at(cur, last);
    }
  }
  return std::nullopt;
}

std::string user_name(uid_t uid) {
  struct passwd pw {};
  struct passwd* got = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &got) == 0 && got != nullptr) {
    return got->pw_name;
  }
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  struct group gr {};
  struct group* got = nullptr;
  char buf[1024];
  if (::getgrgid_r(gid, &gr, buf, sizeof buf, &got) == 0 && got != nullptr) {
    return got->gr_name;
  }
  return std::to_string(gid);
}

std::string mode_string(unsigned mode) {
  std::string s = S_ISDIR(mode) ? "d" : S_ISLNK(mode) ? "l" : "-";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    s += (mode & (0400u >> i)) != 0 ? rwx[i] : '-';
  }
  return s;
}

}  // namespace

std::optional<Blocked> caller_blocked(const fs::path& path, int want) {
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec).lexically_normal();
  if (ec) {
    return std::nullopt;
  }
  return walk(abs, want, [](const fs::path& p, int w) { return ::access(p.c_str(), w) == 0; });
}

std::optional<Blocked> blocked_for(const fs::path& path, uid_t uid, gid_t gid, int want) {
  // The walk the kernel would make, over the real path (a symlink on the way leads elsewhere).
  auto real = real_path(path);
  if (!real) {
    return std::nullopt;
  }
  return walk(*real, want, [uid, gid](const fs::path& p, int w) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      return false;  // errno says why
    }
    const unsigned bits = uid == st.st_uid   ? (st.st_mode >> 6) & 7u
                          : gid == st.st_gid ? (st.st_mode >> 3) & 7u
                                             : st.st_mode & 7u;
    errno = EACCES;
    return (bits & static_cast<unsigned>(w)) == static_cast<unsigned>(w);
  });
}

std::string describe(const Blocked& b) {
  return b.path.string() + " (" + mode_string(b.mode) + ", owner " + user_name(b.owner) + ":" +
         group_name(b.group) + ")";
}

std::string open_up_command(const Blocked& b, int want) {
  if (!b.target) {
    return "chmod o+x " + b.path.string();
  }
  std::string perms = "o+";
  if ((want & R_OK) != 0) {
    perms += "r";
  }
  if ((want & W_OK) != 0) {
    perms += "w";
  }
  if ((want & X_OK) != 0 || S_ISDIR(b.mode)) {
    perms += "x";
  }
  return "chmod " + perms + " " + b.path.string();
}

Error access_error(const fs::path& path, std::string_view what, int want) {
  const std::string name = what.empty() ? path.string() : std::string(what) + " " + path.string();
  Error e(ErrorCode::io, "cannot read " + name + ": permission denied");
  e.sys_errno = EACCES;
  const std::string me = user_name(::geteuid());
  auto b = caller_blocked(path, want);
  if (!b) {
    e.hint = "run fstage as a user who may read " + path.string();
    return e;
  }
  e.details.push_back(describe(*b) +
                      (b->target ? " may not be read by " : " may not be entered by ") + me);
  // The file's own directory is read as well as entered (a project's is walked by the build).
  const bool own_dir = !b->target && b->path == fs::absolute(path).lexically_normal().parent_path();
  e.hint =
      "run fstage as " + user_name(b->owner) + ", who owns " + b->path.string() +
      ", or let others in: " +
      (own_dir ? "chmod o+rx " + b->path.string() : open_up_command(*b, b->target ? want : X_OK)) +
      ((b->mode & 0777u) == 0700u && !b->target ? "   (mktemp -d makes directories 0700)" : "");
  return e;
}

}  // namespace fstage
