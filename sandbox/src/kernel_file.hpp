// SPDX-License-Identifier: Apache-2.0
// A kernel pseudo-file (a cgroup control file, /proc/<pid>/status) kept open for repeated
// use. Reading at offset 0 makes the kernel generate the content afresh, so a sample costs
// one pread(2) instead of open, read, read and close: the warm invocation path samples
// memory twice per request, and on a virtual machine every syscall counts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace fstage::sandbox::detail {

class KernelFile {
 public:
  KernelFile() = default;
  // Opened on first use with `flags` (O_CLOEXEC is added); never created.
  KernelFile(std::filesystem::path path, int flags);
  KernelFile(KernelFile&& other) noexcept;
  KernelFile& operator=(KernelFile&& other) noexcept;
  KernelFile(const KernelFile&) = delete;
  KernelFile& operator=(const KernelFile&) = delete;
  ~KernelFile();

  // The whole content, or "" when the file cannot be opened or read. The view is of a buffer
  // the file keeps (valid until its next read): a sample allocates nothing once warm, where a
  // fresh string of /proc/PID/status's 1.4 KB was a large-bin malloc on every request.
  std::string_view read();
  // The leading decimal number, or 0.
  std::uint64_t read_u64();
  // One write of `text`; 0 or an errno.
  int write(std::string_view text);
  // Closes the descriptor (before the cgroup directory is removed, say).
  void close();
  const std::filesystem::path& path() const { return m_path; }

 private:
  bool open();

  std::filesystem::path m_path;
  int m_flags = 0;
  int m_fd = -1;
  int m_open_errno = 0;  // a file that could not be opened is not retried
  std::string m_text;    // what read() returned last
};

}  // namespace fstage::sandbox::detail
