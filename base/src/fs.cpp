// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fstage/base/fs.hpp>

#include <sys/stat.h>

namespace fstage {

std::optional<fs::path> real_path(const fs::path& path, bool* is_dir) {
  const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  char link[32];
  std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  char buf[4096];
  const ssize_t n = ::readlink(link, buf, sizeof(buf));
  struct stat st {};
  const bool stat_ok = is_dir == nullptr || ::fstat(fd, &st) == 0;
  ::close(fd);
  std::string_view got(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  // Not what a path looks like: no /proc, a path too long for the buffer, or a file deleted
  // on the way (" (deleted)"). Let canonical say.
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof(buf) || got.front() != '/' ||
      got.ends_with(" (deleted)") || !stat_ok) {
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) {
      return std::nullopt;
    }
    if (is_dir != nullptr) {
      *is_dir = fs::is_directory(real, ec);
    }
    return real;
  }
  if (is_dir != nullptr) {
    *is_dir = S_ISDIR(st.st_mode);
  }
  return fs::path(std::string(got));
}

static bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Expected<void> write_file_atomic(const fs::path& path, std::string_view data, unsigned mode,
                                 std::string_view temp_prefix) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  // Appended piece by piece: g++ 12's -O2 misreads `"." + std::string` as an overlapping copy
  // (a false -Wrestrict, GCC bug 105329).
  std::string name;
  if (temp_prefix.empty()) {
    name = ".";
    name += path.filename().string();
    name += ".tmp.";
  } else {
    name = temp_prefix;
  }
  name += "XXXXXX";
  std::string tmpl = (dir / name).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return fail(Error::from_errno("create", tmpl, errno));
  }
  bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, data) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmpl.c_str(), path.c_str()) != 0) {
    err = ok ? errno : err;
    ::unlink(tmpl.c_str());
    return fail(Error::from_errno("write", path.string(), err));
  }
  return {};
}

Expected<TempDir> TempDir::create(const fs::path& near_dir, std::string_view prefix) {
  fs::path base = near_dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  std::string tmpl = (base / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return fail(Error::from_errno("mkdtemp", tmpl, errno));
  }
  return TempDir(fs::path(tmpl));
}

TempDir::TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) {
  other.m_path.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    std::error_code ec;
    if (!m_path.empty()) {
      fs::remove_all(m_path, ec);
    }
    m_path = std::move(other.m_path);
    other.m_path.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  if (!m_path.empty()) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

fs::path TempDir::release() {
  fs::path p = std::move(m_path);
  m_path.clear();
  return p;
}

void prune_cache(const fs::path& dir, std::string_view prefix, std::string_view suffix,
                 std::size_t keep) {
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < prefix.size() + suffix.size() || !name.starts_with(prefix) ||
        !name.ends_with(suffix) || !e.is_regular_file(ec)) {
      continue;
    }
    auto when = e.last_write_time(ec);
    if (!ec) {
      entries.emplace_back(when, e.path());
    }
  }
  if (entries.size() <= keep) {
    return;
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = keep; i < entries.size(); ++i) {
    fs::remove(entries[i].second, ec);
  }
}

bool is_within(const fs::path& root, const fs::path& child) {
  fs::path r = root.lexically_normal();
  fs::path c = child.lexically_normal();
  auto rel = c.lexically_relative(r);
  if (rel.empty()) {
    return false;
  }
  auto first = *rel.begin();
  return first != "..";
}

bool is_safe_relative(std::string_view rel) {
  if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string_view::npos) {
      end = rel.size();
    }
    std::string_view part = rel.substr(start, end - start);
    if (part.empty() || part == ".." || part == ".") {
      return false;
    }
    start = end + 1;
  }
  return true;
}

fs::path config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg == '/') {
    return fs::path(xdg) / "fstage";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/") / ".config" / "fstage";
}

fs::path cache_dir(const std::map<std::string, std::string>& env) {
  auto xdg = env.find("XDG_CACHE_HOME");
  if (xdg != env.end() && !xdg->second.empty()) {
    return fs::path(xdg->second) / "fstage";
  }
  auto home = env.find("HOME");
  if (home != env.end() && !home->second.empty() && home->second != "/") {
    return fs::path(home->second) / ".cache/fstage";
  }
  return {};
}

}  // namespace fstage
