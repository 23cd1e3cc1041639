// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

// find_interpreter, and when what it finds is not the runtime's version and nothing chose the
// interpreter ($FSTAGE_PYTHON), a Python of that version the host has: /usr/bin/python3.X,
// /usr/local/bin/python3.X, then pyenv's ~/.pyenv/versions/3.X*/bin/python3.X (newest first).
// Otherwise what find_interpreter found (the caller warns about the mismatch).
Expected<Interpreter> find_interpreter_for(const manifest::RuntimeInfo& runtime,
                                           const std::map<std::string, std::string>& env);

// "3.10" vs "3.11.2": true when the host version satisfies the runtime's major.minor (Go: any
// go1.x; Java: the major version).
bool version_matches(const manifest::RuntimeInfo& runtime, const std::string& host_version);

// The bytecode of a Python script, compiled by the interpreter `python` itself (py_compile,
// unchecked-hash pyc) once, and kept in $XDG_CACHE_HOME/fstage/pyc/ (or ~/.cache/...) under a
// hash of the interpreter's path, size and mtime, the source and `display_path` (the file
// name tracebacks show). Python compiles a script given by path on every start (it caches
// imported modules only): for the runtime shim that is 4 to 6 ms of each cold start here.
// nullptr when it cannot be had (no cache directory, a failed compile): run the source then.
std::shared_ptr<const std::string> compiled_python(const Interpreter& python,
                                                   std::string_view source,
                                                   const std::string& display_path,
                                                   const std::map<std::string, std::string>& env);

}  // namespace fstage::sandbox
