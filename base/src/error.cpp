// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <pwd.h>
#include <unistd.h>

#include <fstage/base/error.hpp>

#include <sys/stat.h>

namespace fstage {

namespace {

namespace fs = std::filesystem;

bool is_permission(int err) {
  return err == EACCES || err == EPERM;
}

// Calls that need to write (into) the path rather than read it.
bool writes(std::string_view call) {
  for (std::string_view w : {"create", "write", "mkdir", "mkdtemp", "rename", "remove", "unlink",
                             "chmod", "symlink", "link", "truncate"}) {
    if (call == w) {
      return true;
    }
  }
  return false;
}

std::string owner_name(uid_t uid) {
  // getpwuid_r with a fixed buffer: enough for any passwd line.
  char buf[4096];
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    return std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
  }
  return "uid " + std::to_string(uid);
}

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// What to run so that fstage's user gets `bits` ("r", "w", "x", "rx") on `p` described by `st`.
std::string grant(const fs::path& p, const struct stat& st, const std::string& bits) {
  const std::string who = st.st_uid == ::geteuid() ? "u" : "a";
  std::string fix = "chmod " + who + "+" + bits + " " + p.string();
  std::string what = p.string() + " is mode " + mode_text(st.st_mode) + ", owned by " +
                     owner_name(st.st_uid) + ", and fstage runs as " + owner_name(::geteuid());
  if (st.st_uid == ::geteuid()) {
    return what + ": " + fix;
  }
  return what + ": as its owner, " + fix + "; or run fstage as " + owner_name(st.st_uid);
}

// Who may do what on `path`, and the chmod that lets fstage's user do it. Empty for the
// kernel's own files (/proc, /sys), where modes are not the user's to change.
std::string permission_hint(std::string_view what, bool write) {
  fs::path p(what);
  if (p.empty() || p.string().starts_with("/proc/") || p.string().starts_with("/sys/")) {
    return {};
  }
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) {
    abs = p;
  }
  abs = abs.lexically_normal();
  // A directory on the way that may not be entered hides everything below it.
  fs::path dir = abs.root_path();
  for (auto it = abs.begin(); it != abs.end(); ++it) {
    if (std::next(it) == abs.end()) {
      break;
    }
    if (it != abs.begin()) {
      dir /= *it;
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && ::access(dir.c_str(), X_OK) != 0) {
      return grant(dir, st, "x");
    }
  }
  struct stat st {};
  if (write) {
    // Writing creates or replaces an entry: the directory must be writable.
    fs::path target = abs;
    if (::stat(target.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      target = abs.parent_path();
    }
    if (::stat(target.c_str(), &st) == 0) {
      return grant(target, st, "w");
    }
    return {};
  }
  if (::stat(abs.c_str(), &st) != 0) {
    return {};
  }
  return grant(abs, st, S_ISDIR(st.st_mode) ? "rx" : "r");
}

}  // namespace

ErrorCode error_code_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::not_found;
    case EEXIST:
      return ErrorCode::already_exists;
    default:
      return ErrorCode::io;
  }
}

Error Error::from_errno(std::string_view call, std::string_view what, int err) {
  Error e(error_code_for_errno(err),
          std::string(call) + " " + std::string(what) + ": " + std::strerror(err));
  e.sys_errno = err;
  if (is_permission(err)) {
    e.message = "permission denied: " + std::string(what);
    e.hint = permission_hint(what, writes(call));
  }
  return e;
}

Error Error::from_error_code(std::string_view call, std::string_view what, std::error_code ec) {
  if (ec.category() == std::generic_category() || ec.category() == std::system_category()) {
    return from_errno(call, what, ec.value());
  }
  Error e(ErrorCode::io, std::string(call) + " " + std::string(what) + ": " + ec.message());
  return e;
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage:
      return "usage";
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::already_exists:
      return "already_exists";
    case ErrorCode::io:
      return "io";
    case ErrorCode::unsafe:
      return "unsafe";
    case ErrorCode::limit:
      return "limit";
    case ErrorCode::sandbox:
      return "sandbox";
    case ErrorCode::function_error:
      return "function_error";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::oom:
      return "oom";
    case ErrorCode::flow_failed:
      return "flow_failed";
    case ErrorCode::remote:
      return "remote";
    case ErrorCode::auth:
      return "auth";
    case ErrorCode::network:
      return "network";
    case ErrorCode::interrupted:
      return "interrupted";
    case ErrorCode::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace fstage
