// SPDX-License-Identifier: Apache-2.0
#include "kernel_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace fstage::sandbox::detail {

KernelFile::KernelFile(std::filesystem::path path, int flags)
    : m_path(std::move(path)), m_flags(flags) {}

KernelFile::KernelFile(KernelFile&& o) noexcept
    : m_path(std::move(o.m_path)),
      m_flags(o.m_flags),
      m_fd(std::exchange(o.m_fd, -1)),
      m_open_errno(o.m_open_errno),
      m_text(std::move(o.m_text)) {}

KernelFile& KernelFile::operator=(KernelFile&& o) noexcept {
  if (this != &o) {
    close();
    m_path = std::move(o.m_path);
    m_flags = o.m_flags;
    m_fd = std::exchange(o.m_fd, -1);
    m_open_errno = o.m_open_errno;
    m_text = std::move(o.m_text);
  }
  return *this;
}

KernelFile::~KernelFile() {
  close();
}

void KernelFile::close() {
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

bool KernelFile::open() {
  if (m_fd >= 0) {
    return true;
  }
  if (m_open_errno != 0 || m_path.empty()) {
    return false;
  }
  m_fd = ::open(m_path.c_str(), m_flags | O_CLOEXEC);
  if (m_fd < 0) {
    m_open_errno = errno;
    return false;
  }
  return true;
}

std::string_view KernelFile::read() {
  std::string& out = m_text;
  out.clear();
  if (!open()) {
    return out;
  }
  char buf[8192];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(m_fd, buf, sizeof(buf), at);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    at += n;
    // The kernel fills the buffer as far as the content goes: a short read was all of it.
    if (static_cast<std::size_t>(n) < sizeof(buf)) {
      break;
    }
  }
  return out;
}

std::uint64_t KernelFile::read_u64() {
  read();
  return std::strtoull(m_text.c_str(), nullptr, 10);
}

int KernelFile::write(std::string_view text) {
  if (!open()) {
    return m_open_errno != 0 ? m_open_errno : EBADF;
  }
  ssize_t n;
  do {
    n = ::pwrite(m_fd, text.data(), text.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return errno;
  }
  return static_cast<std::size_t>(n) == text.size() ? 0 : EIO;
}

}  // namespace fstage::sandbox::detail
