// SPDX-License-Identifier: Apache-2.0
// The tree walk: what goes into a zip, with the symlink policy and the special-file policy.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <unistd.h>
#include <utility>

#include <fstage/base/access.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

Expected<std::vector<std::string>> list_dir(const fs::path& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) {
    return fail(errno == EACCES ? access_error(dir, "the directory", R_OK | X_OK)
                                : Error::from_errno("opendir", dir.string(), errno));
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* de = ::readdir(d.get())) {
    std::string_view n(de->d_name);
    if (n != "." && n != "..") {
      names.emplace_back(n);
    }
  }
  if (errno != 0) {
    return fail(Error::from_errno("readdir", dir.string(), errno));
  }
  // The disk's order is irrelevant: sort, so warnings and errors come in a stable order too.
  std::sort(names.begin(), names.end());
  return names;
}

std::string_view kind_of(mode_t m) {
  if (S_ISFIFO(m)) {
    return "a FIFO";
  }
  if (S_ISSOCK(m)) {
    return "a socket";
  }
  if (S_ISCHR(m) || S_ISBLK(m)) {
    return "a device";
  }
  return "not a regular file";
}

bool is_project(const fs::path& dir) {
  struct stat st {};
  return ::stat((dir / "fstage.yaml").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The regular files this process writes its stdout and stderr to (`fstage package > out.txt`
// in the project): left out, as tar leaves out its own archive. Packaged, the file would ship
// a log; read while the command writes to it, it would fail the build as changed.
std::vector<std::pair<dev_t, ino_t>> own_output_files() {
  std::vector<std::pair<dev_t, ino_t>> ids;
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      ids.emplace_back(st.st_dev, st.st_ino);
    }
  }
  return ids;
}

class Walker {
 public:
  Walker(const WalkSettings& s, IgnoreMatcher& m)
      : m_s(s), m_matcher(m), m_own_output(own_output_files()) {}

  Expected<std::vector<TreeEntry>> run() {
    struct stat st {};
    if (::stat(m_s.root.c_str(), &st) != 0) {
      return fail(Error::from_errno("stat", m_s.root.string(), errno));
    }
    m_stack.emplace_back(st.st_dev, st.st_ino);
    FSTAGE_TRY(walk_dir(m_s.root, ""));
    std::sort(m_out.begin(), m_out.end(),
              [](const TreeEntry& a, const TreeEntry& b) { return a.name < b.name; });
    return std::move(m_out);
  }

 private:
  Expected<void> walk_dir(const fs::path& abs, const std::string& rel) {
    auto names = FSTAGE_TRY(list_dir(abs));
    for (const auto& name : names) {
      if (interrupted()) {
        return fail(interrupted_error());
      }
      FSTAGE_TRY(visit(abs / name, rel.empty() ? name : rel + "/" + name));
    }
    return {};
  }

  // Follows a symlink: the target's stat, or nullopt (with a warning) when it dangles.
  Expected<std::optional<struct stat>> follow(const fs::path& abs, const std::string& rel) {
    struct stat st {};
    if (::stat(abs.c_str(), &st) == 0) {
      return std::optional<struct stat>(st);
    }
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::optional<struct stat>();
    }
    if (errno == ELOOP) {
      return fail(ErrorCode::unsafe, "symlink loop at " + quote(rel));
    }
    return fail(Error::from_errno("stat", abs.string(), errno));
  }

  Expected<void> check_link_target(const fs::path& abs, const std::string& rel) {
    std::unique_ptr<char, void (*)(void*)> real(::realpath(abs.c_str(), nullptr), std::free);
    if (!real) {
      return fail(Error::from_errno("realpath", abs.string(), errno));
    }
    if (!m_s.allow_external_symlinks && !is_within(m_s.project_root, fs::path(real.get()))) {
      return fail(
          ErrorCode::unsafe,
          "symlink " + quote(rel) + " points outside the project (to " + quote(real.get()) + ")",
          "replace the link by a copy, exclude it in .fstageignore, or pass "
          "--allow-external-symlinks to package its target");
    }
    return {};
  }

  Expected<void> visit(const fs::path& abs, const std::string& rel) {
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0) {
      return fail(Error::from_errno("lstat", abs.string(), errno));
    }
    const bool link = S_ISLNK(st.st_mode);
    if (link) {
      auto target = FSTAGE_TRY(follow(abs, rel));
      if (!target) {
        // What it would have been cannot be known: if nothing excludes it as a file, the
        // package would lack what the link was meant to provide.
        if (FSTAGE_TRY(m_matcher.match(rel, false)).ignored) {
          return {};
        }
        std::error_code ec;
        auto to = fs::read_symlink(abs, ec);
        return fail(ErrorCode::not_found,
                    "symlink " + quote(rel) + " dangles (it points to " +
                        quote(ec ? std::string("?") : to.string()) + ", which does not exist)",
                    "create its target, remove the link, or exclude it in .fstageignore");
      }
      st = *target;
    }
    const bool is_dir = S_ISDIR(st.st_mode);
    auto verdict = FSTAGE_TRY(m_matcher.match(rel, is_dir));
    if (verdict.ignored) {
      return {};
    }
    if (!is_dir && !S_ISREG(st.st_mode)) {
      warn("skipping " + quote(rel) + ": " + std::string(kind_of(st.st_mode)));
      return {};
    }
    if (!is_dir && std::find(m_own_output.begin(), m_own_output.end(),
                             std::pair(st.st_dev, st.st_ino)) != m_own_output.end()) {
      warn("skipping " + quote(rel) + ": this command's own output is written to it");
      return {};
    }
    if (is_dir && m_s.skip_projects && is_project(abs)) {
      return {};
    }
    FSTAGE_TRY(check_entry_name(rel));
    if (link) {
      FSTAGE_TRY(check_link_target(abs, rel));
    }
    TreeEntry e;
    e.path = abs;
    e.stamp = stamp_of(st);
    if (!is_dir) {
      e.name = rel;
      e.mode = normalise_mode(st.st_mode);
      e.size = static_cast<std::uint64_t>(st.st_size);
      m_out.push_back(std::move(e));
      return {};
    }
    std::pair<dev_t, ino_t> id(st.st_dev, st.st_ino);
    if (std::find(m_stack.begin(), m_stack.end(), id) != m_stack.end()) {
      return fail(ErrorCode::unsafe, "symlink cycle: " + quote(rel) + " leads back to a parent",
                  "exclude the link in .fstageignore");
    }
    e.name = rel + "/";
    e.directory = true;
    e.mode = 0755;
    e.path.clear();
    const std::size_t before = m_out.size();
    m_out.push_back(std::move(e));
    m_stack.push_back(id);
    FSTAGE_TRY(walk_dir(abs, rel));
    m_stack.pop_back();
    if (m_out.size() == before + 1) {
      m_out.pop_back();  // nothing kept below: no entry for an empty directory
    }
    return {};
  }

  void warn(const std::string& msg) {
    if (m_s.warn) {
      m_s.warn(msg);
    }
  }

  const WalkSettings& m_s;
  IgnoreMatcher& m_matcher;
  std::vector<TreeEntry> m_out;
  std::vector<std::pair<dev_t, ino_t>> m_stack;
  const std::vector<std::pair<dev_t, ino_t>> m_own_output;
};

}  // namespace

std::string nested_project_of(const fs::path& code_root, const std::string& rel, bool is_dir) {
  fs::path dir = code_root;
  const auto parts = split(rel, '/');
  const std::size_t dirs = is_dir ? parts.size() : parts.size() - 1;
  for (std::size_t i = 0; i < dirs; ++i) {
    dir /= parts[i];
    if (is_project(dir)) {
      return dir.lexically_relative(code_root).generic_string();
    }
  }
  return {};
}

Expected<std::vector<TreeEntry>> walk_tree(const WalkSettings& s, IgnoreMatcher& matcher) {
  Walker w(s, matcher);
  return w.run();
}

}  // namespace fstage::builder::detail
