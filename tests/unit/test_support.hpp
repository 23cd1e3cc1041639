// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fstage/base/fs.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>

#include <sys/stat.h>

namespace fstage::test {

// A scratch directory removed at the end of the test.
struct Scratch {
  TempDir dir = std::move(TempDir::create({}, "fstage-test-").value());
  const std::filesystem::path& path() const { return dir.path(); }
};

// Runs a shell command (test setup only); returns its exit status.
inline int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline unsigned file_mode(const std::filesystem::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

// The whole CLI in-process over string streams (CLI11's TApp idea).
struct CliRun {
  std::ostringstream out;
  std::ostringstream err;
  int code = -1;

  CliRun(std::vector<std::string> args,
         const std::filesystem::path& cwd = std::filesystem::current_path()) {
    cli::Context ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.cwd = cwd;
    ctx.env = {{"NO_COLOR", "1"}, {"PATH", "/usr/bin:/bin"}};
    code = cli::run(args, ctx);
  }
};

// Whether what a command wrote to `s` contains `needle`.
inline bool has(const std::ostringstream& s, const std::string& needle) {
  return s.str().find(needle) != std::string::npos;
}

}  // namespace fstage::test
