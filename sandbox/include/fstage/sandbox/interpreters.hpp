// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/manifest/runtimes.hpp>

namespace fstage::sandbox {

// A language toolchain found on the host.
struct Interpreter {
  std::filesystem::path path;  // real path, symlinks and shims resolved
  std::string version;         // "3.11.2", "20.19.0", "17.0.15", "go1.19.8"
};

// Finds the interpreter for `lang` once and caches it: $FSTAGE_<LANG> (e.g. FSTAGE_PYTHON)
// wins, then the well-known system paths (/usr/bin/python3 ...), then $PATH. A pyenv/asdf
// shim on PATH is skipped in favour of a real binary because each start of a shim costs
// hundreds of milliseconds. The version is asked once per binary and remembered in
// $XDG_CACHE_HOME/fstage/interpreters (or ~/.cache/fstage/...), keyed by path, size and
// mtime. Errors: not_found with a hint naming the package to install.
Expected<Interpreter> find_interpreter(manifest::Language lang,
                                       const std::map<std::string, std::string>& env);

// "3.10" vs "3.11.2": true when the host version satisfies the runtime's major.minor (Go: any
// go1.x; Java: the major version).
bool version_matches(const manifest::RuntimeInfo& runtime, const std::string& host_version);

}  // namespace fstage::sandbox
