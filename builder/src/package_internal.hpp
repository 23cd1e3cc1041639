// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internals of `fstage package`, shared by package*.cpp, zip*.cpp and build*.cpp.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/builder/ignore.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/manifest/manifest.hpp>

#include <sys/stat.h>
#include <sys/types.h>

namespace fstage::builder::detail {

namespace fs = std::filesystem;

// ---- files (package_io.cpp) ----

// What identifies a file's content cheaply: compared when a file is opened and after it has
// been read, so that a file changing under us fails the run instead of packaging a torn copy.
struct FileStamp {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  // The inode's change time: a write that keeps size and mtime (cp -p, an archive's fixed
  // times) still moves it, as git's index knows.
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp stamp_of(const struct stat& st);

// One zip entry and where its bytes come from.
struct TreeEntry {
  std::string name;  // zip name, '/'-separated; directories end in '/'
  fs::path path;     // the file to read (empty for directories)
  bool directory = false;
  unsigned mode = 0644;  // normalised
  std::uint64_t size = 0;
  FileStamp stamp;  // at selection time
};

// 0755 when any exec bit is set, else 0644.
unsigned normalise_mode(unsigned st_mode);

// The entry for the file `st` describes, named `name`, read from `path`.
TreeEntry file_entry(const fs::path& path, std::string name, const struct stat& st);

// A name that may go into a zip: relative, no "." or ".." components, no backslash, no
// control characters, valid UTF-8. Errors: unsafe, invalid_input.
Expected<void> check_entry_name(std::string_view name);

// Reads a selected file in chunks, verifying it is the file that was selected and that it did
// not change while being read. Never holds more than one chunk. Errors: io, interrupted.
class CheckedReader {
 public:
  static Expected<CheckedReader> open(const TreeEntry& e);
  CheckedReader(CheckedReader&& o) noexcept;
  CheckedReader& operator=(CheckedReader&&) = delete;
  CheckedReader(const CheckedReader&) = delete;
  ~CheckedReader();

  // Up to `cap` bytes at `offset` without moving the read position (used by the deflate probe).
  Expected<std::size_t> pread(char* buf, std::size_t cap, std::uint64_t offset);
  // Next chunk; 0 at end of file (after verifying size and stamp).
  Expected<std::size_t> read(char* buf, std::size_t cap);

 private:
  CheckedReader(int fd, const TreeEntry* e) : m_fd(fd), m_entry(e) {}
  Error changed() const;
  int m_fd = -1;
  const TreeEntry* m_entry = nullptr;
  std::uint64_t m_done = 0;
};

inline constexpr std::size_t k_chunk = 256 * 1024;

// SHA-256 (OpenSSL EVP).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t n);
  std::string hex();  // finishes

 private:
  void* m_ctx;
};

// SHA-256 of a selected file's content, read through CheckedReader.
Expected<std::string> sha256_entry(const TreeEntry& e);
// Copies a selected file to `dest` (parents created), mode normalised.
Expected<void> copy_entry(const TreeEntry& e, const fs::path& dest);

// ---- selection (package_walk.cpp, package_rules.cpp) ----

struct WalkSettings {
  fs::path root;          // canonical
  fs::path project_root;  // canonical: symlinks must resolve inside it
  bool allow_external_symlinks = false;
  std::function<void(const std::string&)> warn;
  // Leave out directories below root that hold an fstage.yaml: another project's (a project
  // nested in this one builds and packages on its own).
  bool skip_projects = false;
};

// The directory, relative to `code_root`, of the project nested in it that holds or is `rel`
// ("" when none): a directory strictly below `code_root` with an fstage.yaml of its own.
std::string nested_project_of(const fs::path& code_root, const std::string& rel, bool is_dir);

// Files (and the directories holding them) under root that `matcher` keeps, sorted by zip
// name. Excluded directories are not entered. Errors: unsafe, invalid_input, io, interrupted.
Expected<std::vector<TreeEntry>> walk_tree(const WalkSettings& s, IgnoreMatcher& matcher);

// Rule sets: forced (.git/, .fstage/), built-in defaults, the manifest's exclude/include.
std::vector<IgnoreRule> forced_rules();
std::vector<IgnoreRule> builtin_rules(bool code_is_project_root);
std::vector<IgnoreRule> manifest_rules(const manifest::Function& fn);

// The matcher for a function's code directory: forced, built-in (+ `extra`, rules the build
// implies such as node_modules/), per-directory .fstageignore files, the manifest's lists.
IgnoreMatcher source_matcher(const fs::path& code_root, const fs::path& project_root,
                             const manifest::Function& fn, std::vector<IgnoreRule> extra = {});
// Forced and built-in rules (+ `extra`) only: what a build may read, what build output keeps.
IgnoreMatcher plain_matcher(const fs::path& root, bool code_is_project_root,
                            std::vector<IgnoreRule> extra = {});

// Canonical code root of `fn`. Errors: not_found, invalid_input.
Expected<fs::path> code_root_of(const manifest::Manifest& m, const manifest::Function& fn);

// ---- zip (zip_writer.cpp) ----

struct ZipSettings {
  std::int64_t epoch = k_default_epoch;
  int level = 6;
  int jobs = 0;       // parallel parts; 0 = one per CPU (at most 8). Never changes the bytes.
  fs::path temp_dir;  // where parts go ("" = /tmp)
  std::function<void(const PackageProgress&)> progress;
  std::function<void(const std::string&, std::uint64_t)> on_chunk;
};

struct ZipStats {
  std::size_t files = 0;
  std::size_t directories = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::string sha256;
};

// Writes `entries` in order as a zip to `fd`: consecutive runs of entries are compressed in
// parallel into parts, concatenated, and their central directories merged, so the bytes are
// those of one sequential write whatever `jobs` is. Errors: io, interrupted, internal.
Expected<ZipStats> write_zip(int fd, const std::vector<TreeEntry>& entries, const ZipSettings& s);

// write_zip to a temp file beside `out`, fsync; `accept` may veto (limits) before the rename.
// Nothing is left behind on any failure.
Expected<ZipStats> write_zip_file(const fs::path& out, const std::vector<TreeEntry>& entries,
                                  const ZipSettings& s,
                                  const std::function<Expected<void>(const ZipStats&)>& accept);

// ---- build (build*.cpp) ----

enum class BuildKind { none, pip, npm, go, javac, maven, custom };
std::string_view to_string(BuildKind k);

struct BuildPlan {
  BuildKind kind = BuildKind::none;
  std::string display;                  // the command, for humans
  std::vector<IgnoreRule> extra_rules;  // what the build implies is not input (target/, ...)
  // pip/npm: the tree holds the selected sources plus the build output, and the build reads
  // only these files at the code root (and the paths they name). Other kinds read the whole
  // code tree (built-in rules only: .fstageignore says what goes into the zip, not what a
  // build may read).
  bool keep_sources = false;
  std::vector<std::string> input_files;
  bool filter_output = false;  // custom: .fstageignore and the manifest filter the output
  std::string note;            // for --list
};
// Decides the build step from the manifest and the files at the code root.
Expected<BuildPlan> plan_build(const manifest::Function& fn, const fs::path& code_root);

// A local path named by a build file (requirements.txt, package.json, go.mod).
struct LocalRef {
  std::string written;  // as written
  fs::path path;        // absolute, lexically normalised (not resolved)
  std::string origin;   // "requirements.txt:3", "go.mod:7", "package.json dependencies mylib"
};
Expected<std::vector<LocalRef>> local_refs(const BuildPlan& plan, const fs::path& code_root);
// The same for a pip (`requirements`: the file's name in `dir`), npm or go build in `dir`.
Expected<std::vector<LocalRef>> local_refs(BuildKind kind, const fs::path& dir,
                                           const std::string& requirements);
// The entries below each of `refs` (files, or directories walked with the built-in rules and
// what `kind`'s tools leave behind excluded), named relative to `project_root`. Errors:
// not_found (a path that does not exist), unsafe (a relative path leaving the project).
Expected<std::vector<TreeEntry>> ref_entries(const std::vector<LocalRef>& refs, BuildKind kind,
                                             const WalkSettings& ws);

// What a function's build reads and keeps (build_select.cpp).
struct Selection {
  fs::path code_root;     // canonical
  fs::path project_root;  // canonical
  std::string code_rel;   // code_root relative to project_root, "" when they are the same
  BuildPlan plan;
  // none/pip/npm: the code tree's selected entries (names relative to the code root).
  std::vector<TreeEntry> sources;
  // What the build step reads, named relative to the *project* root: the staging copy
  // mirrors the project so that relative paths resolve as they do there.
  std::vector<TreeEntry> inputs;
  std::vector<fs::path> refs;  // the local paths the build's files name
  std::vector<std::string> warnings;
};
// Go, Java and custom builds read the whole code tree; their tree is the build output.
bool tree_inputs(const BuildPlan& plan);
// The selection's roots and plan, nothing walked yet. Errors: not_found, unsafe, invalid_input.
Expected<Selection> plan_selection(const manifest::Manifest& m, const manifest::Function& fn);
// The rules that decide what the selection reads from the code tree.
IgnoreMatcher selection_matcher(const Selection& sel, const manifest::Function& fn);
// plan_selection, then the walk of the code tree and of the paths the build's files name.
Expected<Selection> select(const manifest::Manifest& m, const manifest::Function& fn,
                           bool allow_external_symlinks,
                           const std::function<void(const std::string&)>& warn);

struct StepContext {
  const manifest::Manifest* manifest = nullptr;
  const manifest::Function* function = nullptr;
  const Selection* selection = nullptr;
  const BuildOptions* options = nullptr;
};

// Runs the plan's step with `src` as the (mirrored) code directory, writing into `out`;
// output to `log` (and options->on_output). Errors: io (the step failed: its command and the
// tail of its output), invalid_input, interrupted.
Expected<void> run_step(const BuildPlan& plan, const StepContext& in, const fs::path& src,
                        const fs::path& out, const fs::path& log);

// pip (build_pip.cpp): installs `requirements` (run in `cwd`) into `out` for the function's
// Python version, then checks that no extension module targets another Python.
Expected<void> pip_install(const StepContext& in, const fs::path& cwd,
                           const std::string& requirements, const fs::path& out,
                           const fs::path& log);

// npm (`ci` with a lockfile, else `install`) in `cwd`, production dependencies only, `file:`
// ones as real files; node_modules/ then moves into `out`.
Expected<void> npm_install(const StepContext& in, const fs::path& cwd, const fs::path& out,
                           const fs::path& log);

// Go's environment for a build of the function in `in` (build_run.cpp): GOOS/GOARCH, fstage's
// module and build caches, the module proxy.
void go_env(const StepContext& in, std::map<std::string, std::string>& env);

// Runs argv (argv[0] looked up in env PATH) in `cwd`, output appended to `log` (and passed to
// `echo` when set), in its own process group; killed on interrupt. Returns the exit status
// (128+signal when killed).
Expected<int> run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::map<std::string, std::string>& env, const fs::path& log,
                          const std::function<void(std::string_view)>& echo = {});

// The last `lines` lines of a text file (for build failure messages).
std::vector<std::string> tail_lines(const fs::path& file, std::size_t lines);

// A program in `path_env` (like execvp), or "" when absent.
std::string find_program(std::string_view name, std::string_view path_env);

// Java: compiles src/main/java with javac and writes `<function>.jar` into out.
Expected<void> build_javac(const StepContext& in, const fs::path& src, const fs::path& out,
                           const fs::path& log);

// The failure of a build step: the step, the command, the exit status and its output's tail.
Error step_failed(std::string_view step, std::string_view command, int status, const fs::path& log);

// ---- trees (build_tree.cpp, zip_reader.cpp) ----

// Hard-links (or, across file systems, copies) every file of `entries` under `dest`.
// `entries` come from walk_tree of an fstage-owned directory, which is never modified.
Expected<void> link_entries(const std::vector<TreeEntry>& entries, const fs::path& dest);
// Copies every file of `entries` (user files, which may change later) under `dest`.
Expected<void> copy_entries(const std::vector<TreeEntry>& entries, const fs::path& dest);
// Every file and directory below `root`, no rules applied (fstage-made trees).
Expected<std::vector<TreeEntry>> walk_all(const fs::path& root);

struct ExtractStats {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};
// Unpacks `zip` under `dest` (created): files and directories only, names checked, modes
// normalised. Errors: invalid_input (not a zip), unsafe (links, escaping names), io.
Expected<ExtractStats> extract_zip(const fs::path& zip, const fs::path& dest);

// SHA-256 of `head`, `tag`, then each entry's name, mode and content hash: the content key of
// a build's inputs. Errors: io, interrupted.
Expected<std::string> content_key(std::string_view head, std::string_view tag,
                                  const std::vector<TreeEntry>& entries);

// 64-bit FNV-1a, for stat stamps (no library to load on the fast path).
class StampHash {
 public:
  void add(std::string_view s);
  void add(const TreeEntry& e);
  std::string hex() const;

 private:
  std::uint64_t m_h = 1469598103934665603ull;
};

}  // namespace fstage::builder::detail
