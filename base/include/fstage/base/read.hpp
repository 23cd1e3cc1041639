// SPDX-License-Identifier: Apache-2.0
// Bounded reads: every file and stream fstage reads goes through here, so no input (a huge
// manifest, /dev/zero, an endless pipe) is read without bound.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>

namespace fstage {

// What fstage reads of a file that no platform limit describes (caches, lockfiles, state):
// far above any real one, low enough that a wrong path cannot exhaust memory.
inline constexpr std::size_t k_max_read_bytes = std::size_t{64} << 20;

// How much a read may return, and why: a larger input fails with ErrorCode::limit and
// "<name> is larger than <max>; <rule>", with `hint` as the fix.
struct ReadLimit {
  std::size_t max_bytes = k_max_read_bytes;
  std::string_view rule = "fstage reads at most 64 MB of a file";
  std::string_view hint = {};
};

// Reads a whole file of at most `limit.max_bytes`. A regular file is measured first and
// refused without being read; anything else (a pipe, /dev/stdin, a device such as /dev/zero)
// is read up to one byte past the limit. Errors: not_found, io (also a directory: not the
// content's fault), limit (larger than the limit).
Expected<std::string> read_file(const std::filesystem::path& path, const ReadLimit& limit = {});

// Reads `in` to its end, at most `limit.max_bytes`; `name` ("<stdin>") names it in errors.
// Errors: io, limit.
Expected<std::string> read_stream(std::istream& in, std::string_view name,
                                  const ReadLimit& limit = {});

// std::getline with a bound, for answers read from stdin: false at the end of the input, and
// also for a line longer than `max_bytes` (`line` is then empty and `in` failed, so that
// `configure < /dev/zero` ends instead of filling memory).
bool read_line(std::istream& in, std::string& line, std::size_t max_bytes = 65536);

// "6 MB (6291456 bytes)", "4096 bytes": a size as a limit is spoken of.
std::string size_text(std::size_t bytes);

}  // namespace fstage
