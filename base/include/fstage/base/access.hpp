// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who may reach a path, and why not: the directory in the way of a "permission denied", for
// messages that name it and the fix (a project in a `mktemp -d` directory, mode 0700, run by
// another user than its owner).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>

#include <sys/types.h>

namespace fstage {

// The first place on the way to a path that someone may not pass.
struct Blocked {
  std::filesystem::path path;  // a directory on the way, or the path itself
  bool target = false;         // the path itself lacks the wanted access
  unsigned mode = 0;           // st_mode
  uid_t owner = 0;
  gid_t group = 0;
};

// For the calling process, by access(2) (its uid, groups and ACLs): the first directory on the
// way to `path` (absolute, or relative to the working directory) it may not search, or `path`
// itself when it lacks `want` (R_OK, W_OK, X_OK as for access). nullopt when nothing is in
// the way (or the path does not exist: that is another error).
std::optional<Blocked> caller_blocked(const std::filesystem::path& path, int want);

// The same for a process of `uid` and `gid`, no supplementary groups and no capabilities (the
// user a sandboxed function runs as), from the owner, group and mode of each directory (ACLs
// are not read). The caller must be able to stat every directory on the way (root can).
std::optional<Blocked> blocked_for(const std::filesystem::path& path, uid_t uid, gid_t gid,
                                   int want);

// "/tmp/tmp.Xb1 (drwx------, owner root)".
std::string describe(const Blocked& b);

// What opens the way for `who` ("others", or a uid a process runs as): "chmod o+x /tmp/tmp.Xb1"
// for a directory on the way, "chmod o+r FILE" for the file itself.
std::string open_up_command(const Blocked& b, int want);

// The error for a path the caller may not read (errno EACCES or EPERM from open or stat):
// "cannot read /p/fstage.yaml: permission denied", the directory in the way with its mode and
// owner, and the fix. Code io. `what` names the path ("the project's manifest").
Error access_error(const std::filesystem::path& path, std::string_view what = {},
                   int want = 4 /* R_OK */);

}  // namespace fstage
