// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/base/read.hpp>  // read_file: every read is bounded

namespace fstage {

namespace fs = std::filesystem;

// Writes `data` to `path` atomically: a temp file in the same directory, fsync, rename.
// `mode` applies to the new file. The temp file is ".NAME.tmp.XXXXXX", or `temp_prefix` +
// "XXXXXX" when given (a name a watcher of the directory knows to ignore). Errors: io.
Expected<void> write_file_atomic(const fs::path& path, std::string_view data, unsigned mode = 0644,
                                 std::string_view temp_prefix = {});

// The absolute path of `path` with every symlink resolved (what realpath gives), or nullopt
// when it does not exist. `is_dir`, when given, says whether it is a directory. The kernel
// walks the path once (open O_PATH, then /proc/self/fd tells where it led): realpath reads
// every component with readlink instead, seven calls for /etc/localtime on Debian. Falls back
// to std::filesystem::canonical without /proc.
std::optional<fs::path> real_path(const fs::path& path, bool* is_dir = nullptr);

// A directory created with mkdtemp beside `near` (or in $TMPDIR when empty), removed with its
// contents on destruction unless release()d.
class TempDir {
 public:
  static Expected<TempDir> create(const fs::path& near_dir, std::string_view prefix);
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const fs::path& path() const { return m_path; }
  // Stop owning the directory: it will not be removed.
  fs::path release();

 private:
  explicit TempDir(fs::path p) : m_path(std::move(p)) {}
  fs::path m_path;
};

// True when `child` (normalised, no symlink resolution) is `root` or lies below it.
bool is_within(const fs::path& root, const fs::path& child);

// A relative path that is safe to join under a root: not absolute, no "..", no empty
// components, no NUL. Used for every path that comes from a template, archive or repo.
bool is_safe_relative(std::string_view rel);

// Cache hygiene: of the regular files in `dir` whose names start with `prefix` and end with
// `suffix`, keeps the `keep` most recently modified and removes the rest (best effort). Called
// when a cache entry is written, so that entries keyed by a version (fstage's commit, a shim's
// hash) do not pile up as versions come and go.
void prune_cache(const fs::path& dir, std::string_view prefix, std::string_view suffix,
                 std::size_t keep);

// $XDG_CONFIG_HOME/fstage or ~/.config/fstage.
fs::path config_dir();

// fstage's cache in `env`: $XDG_CACHE_HOME/fstage, else ~/.cache/fstage; "" when neither is
// usable (no HOME, or HOME is /).
fs::path cache_dir(const std::map<std::string, std::string>& env);

}  // namespace fstage
