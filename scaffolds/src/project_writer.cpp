// SPDX-License-Identifier: Apache-2.0
#include "project_writer.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <unistd.h>

#include <fstage/base/access.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>

#include <sys/stat.h>

namespace fstage::scaffolds {

namespace {

namespace stdfs = std::filesystem;

Expected<void> make_dirs(const stdfs::path& dir, std::vector<stdfs::path>* created = nullptr) {
  if (dir.empty()) {
    return {};
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return {};
    }
    return fail(ErrorCode::already_exists, dir.string() + " exists and is not a directory",
                "move it away or choose another directory");
  }
  FSTAGE_TRY(make_dirs(dir.parent_path(), created));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(Error::from_errno("mkdir", dir.string(), errno));
  }
  if (created) {
    created->push_back(dir);
  }
  return {};
}

Expected<void> write_one(const stdfs::path& root, const RenderedFile& f) {
  stdfs::path p = root / f.path;
  FSTAGE_TRY(make_dirs(p.parent_path()));
  if (f.symlink) {
    if (::symlink(f.data.c_str(), p.c_str()) != 0) {
      return fail(Error::from_errno("symlink", p.string(), errno));
    }
    return {};
  }
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Error::from_errno("create", p.string(), errno));
  }
  std::string_view data = f.data;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(Error::from_errno("write", p.string(), err));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  // The template decides the mode, not the umask: 0644, or 0755 for executables.
  bool ok = ::fchmod(fd, f.mode) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    return fail(Error::from_errno("chmod", p.string(), err));
  }
  return {};
}

// A link may point anywhere inside the project, never out of it.
Expected<void> check_link(const RenderedFile& f) {
  std::string_view target = f.data;
  stdfs::path resolved = (stdfs::path("/project") / f.path).parent_path() / stdfs::path(target);
  if (target.empty() || target.front() == '/' ||
      !is_within("/project", resolved.lexically_normal())) {
    return fail(ErrorCode::unsafe,
                "symlink " + quote(f.path) + " -> " + quote(target) + " points outside the project",
                "a template may only link to files inside itself");
  }
  return {};
}

// Every existing component between `dir` and the file must be a real directory: writing
// through a symlinked directory could land outside the project.
Expected<bool> target_exists(const stdfs::path& dir, const std::string& rel) {
  stdfs::path cur = dir;
  auto parts = split(rel, '/');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    cur /= parts[i];
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) {
      return false;
    }
    bool last = i + 1 == parts.size();
    if (!last && S_ISLNK(st.st_mode)) {
      return fail(ErrorCode::unsafe, cur.string() + " is a symlink; refusing to write through it",
                  "remove the link or choose another directory");
    }
    if (!last && !S_ISDIR(st.st_mode)) {
      return fail(ErrorCode::already_exists, cur.string() + " exists and is not a directory",
                  "move it away or choose another directory");
    }
    if (last) {
      return true;
    }
  }
  return false;
}

struct Move {
  stdfs::path target;
  stdfs::path backup;  // empty when nothing was replaced
};

void roll_back(const std::vector<Move>& done, const std::vector<stdfs::path>& created) {
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    std::error_code ec;
    stdfs::remove(it->target, ec);
    if (!it->backup.empty()) {
      ::rename(it->backup.c_str(), it->target.c_str());
    }
  }
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    ::rmdir(it->c_str());
  }
}

Expected<void> move_into_existing(const stdfs::path& dir, const stdfs::path& stage,
                                  const std::vector<RenderedFile>& files) {
  std::vector<Move> done;
  std::vector<stdfs::path> created;
  for (const auto& f : files) {
    stdfs::path target = dir / f.path;
    Move m{target, {}};
    auto step = [&]() -> Expected<void> {
      FSTAGE_TRY(make_dirs(target.parent_path(), &created));
      struct stat st {};
      if (::lstat(target.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
          return fail(ErrorCode::already_exists, target.string() + " is a directory",
                      "the template has a file there; move the directory away");
        }
        stdfs::path backup = stage / "old" / f.path;
        FSTAGE_TRY(make_dirs(backup.parent_path()));
        if (::rename(target.c_str(), backup.c_str()) != 0) {
          return fail(Error::from_errno("rename", target.string(), errno));
        }
        m.backup = backup;
      }
      stdfs::path staged = stage / "new" / f.path;
      if (::rename(staged.c_str(), target.c_str()) != 0) {
        int err = errno;
        if (!m.backup.empty()) {
          ::rename(m.backup.c_str(), target.c_str());
          m.backup.clear();
        }
        return fail(Error::from_errno("rename", target.string(), err));
      }
      return {};
    };
    if (auto r = step(); !r) {
      roll_back(done, created);
      return r;
    }
    done.push_back(m);
  }
  return {};
}

// An OS error while writing the project, as the user needs it: which directory, why in words,
// what to do. The failing call and its staging name (mkdtemp .fstage-init-XXXXXX) help nobody.
Error cannot_write(const stdfs::path& dir, Error cause) {
  const int err = cause.sys_errno;
  if (err == 0) {
    return cause;
  }
  // Where the refusal happened: the nearest part of the path that exists (or that the caller
  // may not look into).
  stdfs::path at = dir;
  struct stat st {};
  while (at.has_relative_path() && ::stat(at.c_str(), &st) != 0 &&
         (errno == ENOENT || errno == ENOTDIR)) {
    at = at.parent_path();
  }
  const std::string where = at.string();
  std::string why;
  std::string hint = "choose a directory you can write to";
  switch (err) {
    case EACCES:
    case EPERM:
      why = "permission denied";
      hint = "choose a directory you can write to";
      // The directory in the way, and what would open it (as access_error does for reads).
      if (auto b = caller_blocked(at, W_OK | X_OK)) {
        why += ": " + describe(*b) + (b->target ? " may not be written" : " may not be entered");
        hint += ", or: " + open_up_command(*b, b->target ? W_OK | X_OK : X_OK);
      }
      break;
    case EROFS:
      why = where + " is on a read-only file system";
      hint = "choose a directory on a writable file system";
      break;
    case ENOSPC:
    case EDQUOT:
      why = "no space left for it on the file system of " + where;
      hint = "free some space, or choose a directory on another file system";
      break;
    case ENOENT:
      why = where + " does not take new files (a virtual file system, such as /proc or /sys)";
      hint = "choose a directory on a disk, for example under your home directory";
      break;
    case ENOTDIR:
      why = "a part of the path is not a directory";
      hint = "choose another directory";
      break;
    default:
      why = std::strerror(err);
      break;
  }
  Error e(ErrorCode::io, "cannot write the project to " + dir.string() + ": " + why, hint);
  e.sys_errno = err;
  return e;
}

}  // namespace

Expected<void> write_project(const stdfs::path& dir_in, const std::vector<RenderedFile>& files,
                             bool force, const StagedCheck& check) {
  stdfs::path dir = stdfs::absolute(dir_in).lexically_normal();
  if (dir.has_filename() == false) {
    dir = dir.parent_path();
  }
  for (const auto& f : files) {
    if (!is_safe_relative(f.path)) {
      return fail(ErrorCode::unsafe, "refusing to write unsafe path " + quote(f.path));
    }
    if (f.symlink) {
      FSTAGE_TRY(check_link(f));
    }
  }
  struct stat st {};
  bool exists = ::stat(dir.c_str(), &st) == 0;
  if (exists && !S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::already_exists, dir.string() + " exists and is not a directory",
                "choose another directory");
  }
  if (exists) {
    std::vector<std::string> conflicts;
    for (const auto& f : files) {
      if (FSTAGE_TRY(target_exists(dir, f.path))) {
        conflicts.push_back(f.path);
      }
    }
    if (!conflicts.empty() && !force) {
      Error e(ErrorCode::already_exists,
              std::to_string(conflicts.size()) + " file(s) already exist in " + dir.string() +
                  "; nothing was written",
              "pass --force to overwrite them (other files are left alone), or choose another "
              "directory");
      for (std::size_t i = 0; i < conflicts.size() && i < 20; ++i) {
        e.details.push_back(conflicts[i]);
      }
      if (conflicts.size() > 20) {
        e.details.push_back("... and " + std::to_string(conflicts.size() - 20) + " more");
      }
      return fail(std::move(e));
    }
  }

  stdfs::path parent = exists ? dir : dir.parent_path();
  // Parent directories made for the project go again when it fails.
  std::vector<stdfs::path> made;
  auto undo_parents = [&made] {
    for (auto it = made.rbegin(); it != made.rend(); ++it) {
      ::rmdir(it->c_str());
    }
  };
  auto staged = [&]() -> Expected<TempDir> {
    if (!exists) {
      FSTAGE_TRY(make_dirs(parent, &made));
    }
    auto stage = FSTAGE_TRY(TempDir::create(parent, ".fstage-init-"));
    stdfs::path root = exists ? stage.path() / "new" : stage.path();
    for (const auto& f : files) {
      FSTAGE_TRY(write_one(root, f));
    }
    if (interrupted()) {
      return fail(interrupted_error());  // before anything is in place: the staging copy goes
    }
    return stage;
  }();
  if (!staged) {
    undo_parents();
    if (staged.error().code == ErrorCode::interrupted) {
      return fail(std::move(staged).error());
    }
    return fail(cannot_write(dir, std::move(staged).error()));
  }
  std::optional<TempDir> stage(std::move(*staged));
  if (check) {
    if (auto ok = check(exists ? stage->path() / "new" : stage->path()); !ok) {
      stage.reset();
      undo_parents();
      return ok;
    }
  }
  if (!exists) {
    ::chmod(stage->path().c_str(), 0755);  // mkdtemp made it 0700
    if (::rename(stage->path().c_str(), dir.c_str()) != 0) {
      Error e = Error::from_errno("rename", dir.string(), errno);
      stage.reset();
      undo_parents();
      return fail(cannot_write(dir, std::move(e)));
    }
    stage->release();
    return {};
  }
  if (auto moved = move_into_existing(dir, stage->path(), files); !moved) {
    return fail(cannot_write(dir, std::move(moved).error()));
  }
  return {};
}

}  // namespace fstage::scaffolds
