// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one build every command runs: `fstage build`, and implicitly `invoke`, `serve`,
// `package`, `deploy` and `flow`.
//
// A function's build produces its *code tree*: the files the selection rules keep
// (.fstageignore, the manifest's include/exclude), merged with what the runtime's build step
// makes (pip's packages, node_modules/ from npm ci, the Go executable, the Java jar, a custom
// `build:`'s output). `package` zips that tree and nothing else; the sandbox mounts it
// read-only at /opt/function/code, merged with the function's dependency packages as the
// platform merges them (a dependency file wins over a code file of the same name).
//
// Layout under <project>/.fstage/build/<function>/:
//   tree-<key>/   a code tree; <key> is the SHA-256 of everything that went into it
//   run-<key>/    the code tree merged with the dependency packages (only when there are any)
//   step-<key>/   the build step's output, which a code tree is assembled from
//   deps/         each dependency package built: <name>-<key>/ and <name>-<key>.zip
//   state.json    the inputs' stat stamps of the last build, so an unchanged project is
//                 recognised by stat alone (no hashing, no copying)
//   build.log     the last build step's output
//   lock          held while building, so that two fstage processes never build at once
// The two newest trees are kept (a `serve` may still run the older); older ones are removed.
//
// Paths the project's own files name (a requirement `./vendor/lib` or `--find-links wheels`,
// an npm `file:` dependency, a Go `replace` to a directory) resolve as they do in the project:
// the build step runs in a staging copy that mirrors the project's layout, and the files those
// paths name are inputs of the build.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::builder {

struct BuildOptions {
  bool rebuild = false;  // build even when the inputs are unchanged
  bool allow_external_symlinks = false;
  std::int64_t epoch = 315532800;          // timestamps inside built jars (SOURCE_DATE_EPOCH)
  std::map<std::string, std::string> env;  // the environment of build commands (PATH, HOME...)
  std::filesystem::path cache_dir;         // fstage's cache (Go module and build caches); "" = none
  std::function<void(const std::string&)> on_warning;
  std::function<void(const std::string&)> on_status;  // "build: pip install ..." and the like
  std::function<void(std::string_view)> on_output;    // build commands' output as it arrives
};

struct BuildReport {
  std::string kind;     // "none", "pip", "npm", "go", "javac", "maven", "custom"
  std::string command;  // what ran (or would have run)
  bool ran = false;     // the build step ran this time
  bool cached = false;  // skipped: its inputs are unchanged
  double seconds = 0;
};

struct DependencyBuild {
  std::string name;
  std::string kind;  // manifest::to_string(Dependency::Kind)
  std::filesystem::path tree;
  std::filesystem::path zip;  // the package as the platform receives it (deterministic)
  std::string sha256;         // of the zip, hex
  std::uint64_t bytes = 0;    // of the zip
  std::size_t files = 0;
};

struct BuildResult {
  std::string function;
  std::filesystem::path tree;      // the code tree: what is zipped
  std::filesystem::path run_tree;  // what is mounted: the tree, merged with the dependencies
  std::string key;                 // the tree's content key
  // Nothing was built or copied: the last build still holds (recognised by stat alone, or,
  // when the stamps could not be trusted, by hashing the inputs).
  bool up_to_date = false;
  BuildReport step;
  std::vector<DependencyBuild> dependencies;
  // What a change to should rebuild: the code directory, the local paths the build's files
  // name, the dependency packages' paths (directories, or the directory holding a file).
  std::vector<std::filesystem::path> watch;
  std::vector<std::string> warnings;
  double seconds = 0;
};

// Builds `fn` (or recognises that its last build is still current). Errors: not_found (code
// directory, a path a dependency names), invalid_input (bad handler, an extension module built
// for another Python), unsafe (links leaving the project), limit (dependency sizes), io (a
// failed build step: the step, the command and the tail of its output), interrupted.
Expected<BuildResult> build_function(const manifest::Manifest& m, const manifest::Function& fn,
                                     const BuildOptions& opts);

// The function's code directory on the host, canonical: what a debugger's path mapping names.
// Errors: not_found.
Expected<std::filesystem::path> source_dir(const manifest::Manifest& m,
                                           const manifest::Function& fn);

// A Go function's debug build (build_debug.cpp): `go build -gcflags=all=-N -l` in the code
// directory itself, without -trimpath, so that the binary's DWARF names the developer's files.
// It goes to .fstage/debug/<function>/ with its own Go build cache: the release build's tree,
// zip and cache are not touched. Returns the binary. Errors: invalid_input (not a Go build),
// io (the build failed: its log's tail).
Expected<std::filesystem::path> build_go_debug(const manifest::Manifest& m,
                                               const manifest::Function& fn,
                                               const BuildOptions& opts);

// Unpacks a function's zip into `dest` (created) as the platform does, then lays its
// dependency packages over it: what `invoke --artifact` runs. Errors: invalid_input (not a
// zip), unsafe (links or names escaping `dest`), io.
Expected<void> unpack_artifact(const std::filesystem::path& zip,
                               const std::vector<DependencyBuild>& dependencies,
                               const std::filesystem::path& dest);

}  // namespace fstage::builder
