// SPDX-License-Identifier: Apache-2.0
#pragma once

// `fstage package`: one deterministic zip per function.
//
// Layout (PLATFORM.md §1): Python/Node.js sources at the zip root (the handler file must be
// there); Java: `<function>.jar` at the root (plus lib/*.jar dependencies, never the
// platform-provided fstage-runtime-api.jar); Go: one executable named as the handler, built
// for linux/amd64 without cgo; Custom/http: `bootstrap` at the root, mode 0755.
//
// Determinism: entries sorted bytewise by zip name (directories end in '/'); every timestamp
// is SOURCE_DATE_EPOCH or k_default_epoch (1980-01-01T00:00:00Z, the earliest zip time),
// written in UTC whatever TZ says; modes 0644, or 0755 when any exec bit is set (directories
// 0755); no extra fields at all (libarchive's "ux" uid/gid and "UT" time fields are stripped,
// as `zip -X` does), so no uid, gid or atime; UTF-8 flag on non-ASCII names; deflate level 6,
// except entries found incompressible (byte statistics, then a deflate probe), which are stored.
//
// What is zipped is the function's code tree as build_function made it (build.hpp), nothing
// else: the tree `invoke` and `serve` mount. A failed build or check removes the previous zip,
// so that no stale artifact is left to be deployed.
//
// Symlinks are followed: a link whose target resolves inside the project is packaged as the
// file or directory it points to; a link escaping the project is refused (ErrorCode::unsafe)
// unless allow_external_symlinks, and so is a dangling link that is not excluded. Sockets,
// FIFOs and devices are skipped with a warning.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/builder/ignore.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::builder {

// 1980-01-01T00:00:00Z: the timestamp of every entry when SOURCE_DATE_EPOCH is not set.
inline constexpr std::int64_t k_default_epoch = 315532800;
// Platform limits (PLATFORM.md §2.2), in bytes (MB = MiB).
inline constexpr std::uint64_t k_console_zip_limit = 40ull << 20;  // warning
inline constexpr std::uint64_t k_api_zip_limit = 50ull << 20;      // error (use OBS)
inline constexpr std::uint64_t k_obs_zip_limit = 300ull << 20;     // error with `obs`
inline constexpr std::uint64_t k_unzipped_limit = 1500ull << 20;   // error
// The per-directory ignore file.
inline constexpr const char* k_ignore_file = ".fstageignore";

struct PackageProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::size_t files_done = 0;
  std::size_t files_total = 0;
};

struct PackageOptions {
  std::filesystem::path output;          // "" = <project>/.fstage/dist/<function>.zip
  std::int64_t epoch = k_default_epoch;  // entry timestamps (parse_source_date_epoch)
  bool allow_external_symlinks = false;
  bool rebuild = false;  // ignore the build cache
  bool obs = false;      // the artifact goes through OBS: 300 MB limit instead of 50 MB
  int compression_level = 6;
  int jobs = 0;  // compression threads; 0 = one per CPU (at most 8). The bytes never depend on it.
  std::map<std::string, std::string> env;  // environment of build commands (PATH, HOME...)
  std::filesystem::path cache_dir;         // fstage's cache (BuildOptions::cache_dir)

  std::function<void(const std::string&)> on_warning;       // non-fatal problems
  std::function<void(const std::string&)> on_status;        // progress notes ("build: ...")
  std::function<void(std::string_view)> on_output;          // build commands' output
  std::function<void(const PackageProgress&)> on_progress;  // during the zip writing
  // For tests: called after each chunk of each file is written.
  std::function<void(const std::string& entry, std::uint64_t offset)> on_chunk;
};

// The build settings that package options imply (package_function builds with these).
BuildOptions build_options(const PackageOptions& opts);

// SOURCE_DATE_EPOCH as the entry timestamp: an integer of seconds, clamped to the zip date
// range [1980-01-01, 2107-12-31]; unset/empty = k_default_epoch. Errors: invalid_input.
Expected<std::int64_t> parse_source_date_epoch(const std::optional<std::string>& value);

struct PackageResult {
  std::string function;
  std::filesystem::path output;
  std::size_t files = 0;  // file entries (directories not counted)
  std::size_t directories = 0;
  std::uint64_t bytes_in = 0;   // uncompressed
  std::uint64_t bytes_out = 0;  // the zip
  std::string sha256;           // of the zip, hex
  double seconds = 0;
  BuildReport build;
  std::vector<DependencyBuild> dependencies;  // to upload beside the code (deploy)
  std::vector<std::string> warnings;
};

// Builds (if the runtime needs it) and writes the zip for `fn`, atomically: a temp file beside
// the output, fsync, rename. SIGINT/SIGTERM during the run removes the temp file (and stops a
// running build) and returns `interrupted`. Errors: not_found (code dir, bootstrap, handler
// file), invalid_input (bad names, bad manifest values), unsafe (links escaping the project,
// output inside the packaged tree), limit (size limits), io (read/write failures, a file
// changed while packaging, a failed build), interrupted.
Expected<PackageResult> package_function(const manifest::Manifest& m, const manifest::Function& fn,
                                         const PackageOptions& opts);

// What the code directory contributes: files selected by the ignore rules, with the size and
// normalised mode they get in the zip. For Go and Java these are the build inputs.
struct PackageEntry {
  std::string name;  // zip name, directories end in '/'
  std::uint64_t size = 0;
  unsigned mode = 0644;
  bool directory = false;
};

struct PackageListing {
  std::vector<PackageEntry> entries;  // sorted as in the zip
  std::string build_kind;             // as BuildReport::kind
  std::string note;                   // what the build adds/replaces, "" when nothing
  std::vector<std::string> warnings;
};

// The entries without building or writing anything. Errors: as package_function's selection.
Expected<PackageListing> list_package(const manifest::Manifest& m, const manifest::Function& fn,
                                      const PackageOptions& opts);

struct Explanation {
  std::string path;    // relative to the code directory ('/'-separated)
  bool inside = true;  // false: the path is not under the function's code directory
  bool included = false;
  std::optional<IgnoreRule> rule;  // the deciding rule, if any
  std::string excluded_parent;     // excluded because this directory is
  std::string reason;              // one human sentence
};

// Why `path` (absolute, or relative to the project root) is or is not packaged for `fn`.
// Errors: io (unreadable ignore file).
Expected<Explanation> explain_path(const manifest::Manifest& m, const manifest::Function& fn,
                                   const std::filesystem::path& path);

}  // namespace fstage::builder
