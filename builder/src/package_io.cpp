// SPDX-License-Identifier: Apache-2.0
// File reading with change detection, hashing and copying.
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

#include <openssl/evp.h>

#include <fstage/base/access.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

TreeEntry file_entry(const fs::path& path, std::string name, const struct stat& st) {
  TreeEntry e;
  e.name = std::move(name);
  e.path = path;
  e.mode = normalise_mode(st.st_mode);
  e.size = static_cast<std::uint64_t>(st.st_size);
  e.stamp = stamp_of(st);
  return e;
}

FileStamp stamp_of(const struct stat& st) {
  FileStamp s;
  s.dev = static_cast<std::uint64_t>(st.st_dev);
  s.ino = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return s;
}

unsigned normalise_mode(unsigned st_mode) {
  return (st_mode & 0111) != 0 ? 0755 : 0644;
}

Expected<void> check_entry_name(std::string_view name) {
  std::string_view bare = name;
  if (!bare.empty() && bare.back() == '/') {
    bare.remove_suffix(1);
  }
  if (!is_safe_relative(bare) || bare.find('\\') != std::string_view::npos) {
    return fail(ErrorCode::unsafe, "unsafe entry name " + quote(name),
                "zip entry names must be relative, without '..' or '\\'; rename the file");
  }
  for (char c : bare) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(ErrorCode::invalid_input, "file name with a control character: " + quote(name),
                  "rename the file");
    }
  }
  if (!is_valid_utf8(bare)) {
    return fail(ErrorCode::invalid_input, "file name is not valid UTF-8: " + quote(name),
                "zip names are stored as UTF-8; rename the file");
  }
  return {};
}

// ---- CheckedReader ----

Expected<CheckedReader> CheckedReader::open(const TreeEntry& e) {
  int fd = ::open(e.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return fail(errno == EACCES ? access_error(e.path)
                                : Error::from_errno("open", e.path.string(), errno));
  }
  CheckedReader r(fd, &e);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(Error::from_errno("stat", e.path.string(), errno));
  }
  if (!S_ISREG(st.st_mode) || stamp_of(st) != e.stamp) {
    return fail(r.changed());
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return r;
}

CheckedReader::CheckedReader(CheckedReader&& o) noexcept
    : m_fd(std::exchange(o.m_fd, -1)), m_entry(o.m_entry), m_done(o.m_done) {}

CheckedReader::~CheckedReader() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

Error CheckedReader::changed() const {
  return Error(ErrorCode::io, "file changed while being packaged: " + quote(m_entry->name),
               "something is writing to the tree; run fstage package again once it is done");
}

Expected<std::size_t> CheckedReader::pread(char* buf, std::size_t cap, std::uint64_t offset) {
  std::size_t got = 0;
  while (got < cap) {
    ssize_t n = ::pread(m_fd, buf + got, cap - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR && !interrupted()) {
      continue;
    }
    if (n < 0) {
      return interrupted() ? fail(interrupted_error())
                           : fail(Error::from_errno("read", m_entry->path.string(), errno));
    }
    if (n == 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  return got;
}

Expected<std::size_t> CheckedReader::read(char* buf, std::size_t cap) {
  while (true) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    ssize_t n = ::read(m_fd, buf, cap);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail(Error::from_errno("read", m_entry->path.string(), errno));
    }
    if (n > 0) {
      m_done += static_cast<std::uint64_t>(n);
      if (m_done > m_entry->size) {
        return fail(changed());
      }
      return static_cast<std::size_t>(n);
    }
    struct stat st {};
    if (m_done != m_entry->size || ::fstat(m_fd, &st) != 0 || stamp_of(st) != m_entry->stamp) {
      return fail(changed());
    }
    return std::size_t{0};
  }
}

// ---- hashing and copying ----

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx));
}

void Sha256::update(const void* data, std::size_t n) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), data, n);
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), md, &len);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

Expected<std::string> sha256_entry(const TreeEntry& e) {
  auto reader = FSTAGE_TRY(CheckedReader::open(e));
  std::string buf(k_chunk, '\0');
  Sha256 sha;
  while (std::size_t n = FSTAGE_TRY(reader.read(buf.data(), buf.size()))) {
    sha.update(buf.data(), n);
  }
  return sha.hex();
}

Expected<void> copy_entry(const TreeEntry& e, const fs::path& dest) {
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", dest.parent_path().string(), ec.value()));
  }
  auto reader = FSTAGE_TRY(CheckedReader::open(e));
  int out =
      ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(e.mode));
  if (out < 0) {
    return fail(Error::from_errno("create", dest.string(), errno));
  }
  std::string buf(k_chunk, '\0');
  while (true) {
    auto n = reader.read(buf.data(), buf.size());
    if (!n) {
      ::close(out);
      return fail(std::move(n).error());
    }
    if (*n == 0) {
      break;
    }
    for (std::size_t off = 0; off < *n;) {
      ssize_t w = ::write(out, buf.data() + off, *n - off);
      if (w < 0 && errno == EINTR) {
        continue;
      }
      if (w < 0) {
        int err = errno;
        ::close(out);
        return fail(Error::from_errno("write", dest.string(), err));
      }
      off += static_cast<std::size_t>(w);
    }
  }
  ::fchmod(out, static_cast<mode_t>(e.mode));
  if (::close(out) != 0) {
    return fail(Error::from_errno("close", dest.string(), errno));
  }
  return {};
}

}  // namespace fstage::builder::detail
