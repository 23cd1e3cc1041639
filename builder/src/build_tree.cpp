// SPDX-License-Identifier: Apache-2.0
// Assembling trees: hard links out of fstage's own directories, copies of the user's files.
#include <cerrno>
#include <unistd.h>

#include <fstage/base/strings.hpp>

#include "package_internal.hpp"

namespace fstage::builder::detail {

namespace {

Expected<void> make_parent(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", p.parent_path().string(), ec.value()));
  }
  return {};
}

}  // namespace

namespace {

enum class Place { link, copy };

// Puts every file of `entries` under `dest` (a later file of the same name wins).
Expected<void> place(const std::vector<TreeEntry>& entries, const fs::path& dest, Place how) {
  for (const auto& e : entries) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    const fs::path to = dest / e.name;
    std::error_code ec;
    if (e.directory) {
      fs::create_directories(to, ec);
      continue;
    }
    FSTAGE_TRY(make_parent(to));
    fs::remove(to, ec);
    if (how == Place::link && ::link(e.path.c_str(), to.c_str()) == 0) {
      continue;
    }
    if (how == Place::link && errno != EXDEV && errno != EMLINK && errno != EPERM) {
      return fail(Error::from_errno("link", to.string(), errno));
    }
    FSTAGE_TRY(copy_entry(e, to));
  }
  return {};
}

}  // namespace

Expected<void> link_entries(const std::vector<TreeEntry>& entries, const fs::path& dest) {
  return place(entries, dest, Place::link);
}

Expected<void> copy_entries(const std::vector<TreeEntry>& entries, const fs::path& dest) {
  return place(entries, dest, Place::copy);
}

Expected<std::vector<TreeEntry>> walk_all(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return std::vector<TreeEntry>{};
  }
  IgnoreMatcher none(root, "");
  WalkSettings ws;
  ws.root = fs::canonical(root, ec);
  ws.project_root = ws.root;
  return walk_tree(ws, none);
}

Expected<std::string> content_key(std::string_view head, std::string_view tag,
                                  const std::vector<TreeEntry>& entries) {
  Sha256 sha;
  sha.update(head.data(), head.size());
  sha.update(tag.data(), tag.size());
  for (const auto& e : entries) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    std::string line = e.name + '\0' + std::to_string(e.mode) + '\0' +
                       (e.directory ? std::string("dir") : FSTAGE_TRY(sha256_entry(e))) + "\n";
    sha.update(line.data(), line.size());
  }
  return sha.hex();
}

void StampHash::add(std::string_view s) {
  for (unsigned char c : s) {
    m_h = (m_h ^ c) * 1099511628211ull;
  }
  m_h = (m_h ^ 0xff) * 1099511628211ull;  // a separator no UTF-8 text contains
}

void StampHash::add(const TreeEntry& e) {
  add(e.name);
  const auto& s = e.stamp;
  add(std::to_string(s.dev) + ':' + std::to_string(s.ino) + ':' + std::to_string(s.size) + ':' +
      std::to_string(s.mtime_ns) + ':' + std::to_string(s.ctime_ns) + ':' + std::to_string(e.mode));
}

std::string StampHash::hex() const {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(m_h));
  return buf;
}

}  // namespace fstage::builder::detail
