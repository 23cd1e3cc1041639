// SPDX-License-Identifier: Apache-2.0
// Unpacking a zip (a dependency package, an artifact for `invoke --artifact`) into a fresh
// directory, as the platform unpacks one: regular files and directories only, every name
// checked (no absolute paths, no "..", no links), modes normalised.
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <fstage/base/strings.hpp>
#include <fstage/lazy/lazy.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

struct ReadArchive {
  archive* a = archive_read_new();
  ~ReadArchive() { archive_read_free(a); }
  ReadArchive() = default;
  ReadArchive(const ReadArchive&) = delete;
  ReadArchive& operator=(const ReadArchive&) = delete;
};

Error zip_error(const fs::path& zip, archive* a, const std::string& what) {
  const char* why = archive_error_string(a);
  return Error(ErrorCode::invalid_input,
               quote(zip.string()) + ": " + what + (why ? std::string(": ") + why : ""),
               "check that the file is a complete zip (unzip -t " + zip.string() + ")");
}

Expected<void> write_entry(archive* a, const fs::path& zip, const fs::path& dest, unsigned mode) {
  int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return fail(Error::from_errno("create", dest.string(), errno));
  }
  char buf[64 * 1024];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) {
      ::close(fd);
      return fail(zip_error(zip, a, "cannot read " + dest.filename().string()));
    }
    if (n == 0) {
      break;
    }
    for (la_ssize_t off = 0; off < n;) {
      ssize_t w = ::write(fd, buf + off, static_cast<std::size_t>(n - off));
      if (w < 0 && errno == EINTR) {
        continue;
      }
      if (w < 0) {
        int err = errno;
        ::close(fd);
        return fail(Error::from_errno("write", dest.string(), err));
      }
      off += w;
    }
  }
  if (::close(fd) != 0) {
    return fail(Error::from_errno("close", dest.string(), errno));
  }
  return {};
}

}  // namespace

Expected<ExtractStats> extract_zip(const fs::path& zip, const fs::path& dest) {
  FSTAGE_TRY(lazy::require(lazy::Library::archive));
  ReadArchive r;
  archive_read_support_format_zip(r.a);
  if (archive_read_open_filename(r.a, zip.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return fail(zip_error(zip, r.a, "cannot open"));
  }
  ExtractStats stats;
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", dest.string(), ec.value()));
  }
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(r.a, &e);
    if (rc == ARCHIVE_EOF) {
      break;
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return fail(zip_error(zip, r.a, "cannot read the next entry"));
    }
    if (interrupted()) {
      return fail(interrupted_error());
    }
    const char* raw = archive_entry_pathname_utf8(e);
    std::string name = raw ? raw : (archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    const auto type = archive_entry_filetype(e);
    const bool dir = type == AE_IFDIR || (!name.empty() && name.back() == '/');
    while (!name.empty() && name.back() == '/') {
      name.pop_back();
    }
    if (name.empty()) {
      continue;
    }
    FSTAGE_TRY(check_entry_name(name));
    if (!dir && type != AE_IFREG) {
      return fail(ErrorCode::unsafe,
                  quote(zip.string()) + ": entry " + quote(name) + " is not a file or directory",
                  "the platform unpacks files and directories only; replace links by copies");
    }
    const fs::path out = dest / name;
    fs::create_directories(dir ? out : out.parent_path(), ec);
    if (ec) {
      return fail(Error::from_errno("mkdir", out.string(), ec.value()));
    }
    if (dir) {
      continue;
    }
    FSTAGE_TRY(write_entry(r.a, zip, out, normalise_mode(archive_entry_perm(e))));
    ++stats.files;
    stats.bytes += static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(e)));
  }
  return stats;
}

}  // namespace fstage::builder::detail
