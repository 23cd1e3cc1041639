// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <istream>
#include <unistd.h>

#include <fstage/base/read.hpp>

#include <sys/stat.h>

namespace fstage {

namespace {

constexpr std::size_t k_chunk = 65536;

// "<name> is 7340032 bytes, larger than 6 MB (6291456 bytes); <rule>" when the size is known,
// else "<name> is larger than 6 MB (6291456 bytes): <why reading stopped>; <rule>".
Error too_large(std::string_view name, const ReadLimit& limit, std::size_t size,
                std::string_view why) {
  std::string message = std::string(name);
  if (size > 0) {
    message += " is " + std::to_string(size) + " bytes, larger than " + size_text(limit.max_bytes);
  } else {
    message += " is larger than " + size_text(limit.max_bytes) + ": " + std::string(why);
  }
  Error e(ErrorCode::limit, message + "; " + std::string(limit.rule));
  e.hint = std::string(limit.hint);
  return e;
}

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

}  // namespace

std::string size_text(std::size_t bytes) {
  const std::string exact = std::to_string(bytes) + " bytes";
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MB (" + exact + ")";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) {
    return std::to_string(bytes >> 10) + " KB (" + exact + ")";
  }
  return exact;
}

Expected<std::string> read_file(const std::filesystem::path& path, const ReadLimit& limit) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(Error::from_errno("open", path.string(), errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail(Error::from_errno("stat", path.string(), errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::io, path.string() + " is a directory", "give the path of a file");
  }
  const bool regular = S_ISREG(st.st_mode);
  // A regular file says how big it is (files in /proc say 0 and are read like a pipe).
  if (regular && static_cast<std::size_t>(st.st_size) > limit.max_bytes) {
    return fail(too_large(path.string(), limit, static_cast<std::size_t>(st.st_size), ""));
  }
  std::string out;
  if (regular && st.st_size > 0) {
    out.reserve(static_cast<std::size_t>(st.st_size));
  }
  char buf[k_chunk];
  for (;;) {
    // One byte past the limit tells "exactly at the limit" from "more".
    const std::size_t want = std::min(sizeof buf, limit.max_bytes + 1 - out.size());
    const ssize_t n = ::read(fd.get(), buf, want);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(Error::from_errno("read", path.string(), errno));
    }
    if (n == 0) {
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > limit.max_bytes) {
      return fail(too_large(path.string(), limit, 0,
                            regular ? "it grew while being read"
                                    : "not a regular file, fstage stopped reading there"));
    }
  }
}

Expected<std::string> read_stream(std::istream& in, std::string_view name, const ReadLimit& limit) {
  std::string out;
  char buf[k_chunk];
  while (in) {
    const std::size_t want = std::min(sizeof buf, limit.max_bytes + 1 - out.size());
    in.read(buf, static_cast<std::streamsize>(want));
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit.max_bytes) {
      return fail(too_large(name, limit, 0, "fstage stopped reading there"));
    }
  }
  if (in.bad()) {
    return fail(ErrorCode::io, "read " + std::string(name) + ": the stream failed");
  }
  return out;
}

bool read_line(std::istream& in, std::string& line, std::size_t max_bytes) {
  line.clear();
  std::istream::sentry ok(in, true);
  if (!ok) {
    return false;
  }
  std::streambuf* buf = in.rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(line.empty() ? std::ios::eofbit | std::ios::failbit : std::ios::eofbit);
      return !line.empty();
    }
    if (c == '\n') {
      return true;
    }
    if (line.size() == max_bytes) {
      line.clear();
      in.setstate(std::ios::failbit);
      return false;
    }
    line.push_back(static_cast<char>(c));
  }
}

}  // namespace fstage
