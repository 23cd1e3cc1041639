// SPDX-License-Identifier: Apache-2.0
// Deterministic zip writing with libarchive, streaming one chunk at a time.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "package_internal.hpp"
#include "zip_sink.hpp"

namespace fstage::builder::detail {

namespace {

// libarchive computes the DOS date/time fields with localtime(): pin TZ to UTC while writing so
// the bytes do not depend on the machine's zone.
class UtcZone {
 public:
  UtcZone() {
    if (const char* tz = std::getenv("TZ")) {
      m_old = tz;
    }
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
  }
  ~UtcZone() {
    if (m_old) {
      ::setenv("TZ", m_old->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  UtcZone(const UtcZone&) = delete;
  UtcZone& operator=(const UtcZone&) = delete;

 private:
  std::optional<std::string> m_old;
};

la_ssize_t sink_write(struct archive*, void* client, const void* buf, size_t n) {
  return static_cast<la_ssize_t>(static_cast<ZipSink*>(client)->accept(buf, n));
}

Error archive_error(struct archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Error(ErrorCode::io, "writing the zip failed at " + what + ": " +
                                  (msg != nullptr ? msg : "unknown libarchive error"));
}

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;
using EntryPtr = std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)>;

Expected<ArchivePtr> open_archive(ZipSink& sink, int level) {
  ArchivePtr a(archive_write_new(), archive_write_free);
  if (!a || archive_write_set_format_zip(a.get()) != ARCHIVE_OK) {
    return fail(ErrorCode::internal, "libarchive: no zip writer");
  }
  archive_write_set_bytes_per_block(a.get(), 0);  // no blocking, no padding
  archive_write_set_bytes_in_last_block(a.get(), 1);
  std::string opts = "zip:compression=deflate,zip:compression-level=" + std::to_string(level) +
                     ",zip:hdrcharset=UTF-8";
  if (archive_write_set_options(a.get(), opts.c_str()) != ARCHIVE_OK) {
    return fail(archive_error(a.get(), "setup"));
  }
  if (archive_write_open2(a.get(), &sink, nullptr, sink_write, nullptr, nullptr) != ARCHIVE_OK) {
    return fail(archive_error(a.get(), "open"));
  }
  return a;
}

}  // namespace

namespace {

// What the parts of one archive share.
struct Shared {
  explicit Shared(const ZipSettings& settings) : s(settings) {}
  const ZipSettings& s;
  PackageProgress total;
  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<std::size_t> files_done{0};
  std::atomic<bool> stop{false};
  std::mutex header_mutex;  // libarchive's dos_time() calls localtime(), which is not reentrant

  void report() {
    if (s.progress) {
      PackageProgress p = total;
      p.bytes_done = bytes_done;
      p.files_done = files_done;
      s.progress(p);
    }
  }
};

// A run of consecutive entries written as a zip of its own; parts are concatenated and their
// central directories merged, which gives the same bytes as one sequential write.
struct Part {
  std::size_t begin = 0;
  std::size_t end = 0;
  int fd = -1;  // parts after the first: an unlinked temp file
  Expected<void> status;
  bool stopped = false;  // gave up because another part failed
  std::string cd;
  std::uint64_t size = 0;
  ZipStats stats;
};

Expected<void> fill_entry(struct archive_entry* entry, const TreeEntry& e, std::int64_t epoch) {
  FSTAGE_TRY(check_entry_name(e.name));
  archive_entry_clear(entry);
  archive_entry_set_pathname_utf8(entry, e.name.c_str());
  archive_entry_set_filetype(entry, e.directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry, static_cast<mode_t>(e.directory ? 0755 : e.mode));
  archive_entry_set_mtime(entry, static_cast<time_t>(epoch), 0);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_size(entry, static_cast<la_int64_t>(e.directory ? 0 : e.size));
  return {};
}

Expected<void> write_part(ZipSink& sink, const std::vector<TreeEntry>& entries, Part& part,
                          Shared& sh, bool reports) {
  const ZipSettings& s = sh.s;
  auto a = FSTAGE_TRY(open_archive(sink, s.level));
  EntryPtr entry(archive_entry_new(), archive_entry_free);
  Probe probe(s.level);
  std::string buf(k_chunk, '\0');
  auto halted = [&]() -> Expected<void> {
    if (sh.stop) {
      part.stopped = true;
      return fail(ErrorCode::internal, "stopped");
    }
    return interrupted() ? fail(interrupted_error()) : Expected<void>();
  };
  for (std::size_t i = part.begin; i < part.end; ++i) {
    const TreeEntry& e = entries[i];
    FSTAGE_TRY(halted());
    FSTAGE_TRY(fill_entry(entry.get(), e, s.epoch));
    std::optional<CheckedReader> reader;
    bool store = false;
    if (!e.directory) {
      reader.emplace(FSTAGE_TRY(CheckedReader::open(e)));
      store = e.size == 0 || FSTAGE_TRY(probe.incompressible(*reader, e.size));
    }
    if (store) {
      archive_write_zip_set_compression_store(a.get());
    } else {
      archive_write_zip_set_compression_deflate(a.get());
    }
    sink.begin_header();
    {
      std::lock_guard<std::mutex> lock(sh.header_mutex);
      if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
        return fail(archive_error(a.get(), e.name));
      }
    }
    FSTAGE_TRY(sink.end_header());
    std::uint64_t offset = 0;
    while (reader) {
      FSTAGE_TRY(halted());
      std::size_t n = FSTAGE_TRY(reader->read(buf.data(), buf.size()));
      if (n == 0) {
        break;
      }
      if (archive_write_data(a.get(), buf.data(), n) != static_cast<la_ssize_t>(n)) {
        return fail(sink.error().message.empty() ? archive_error(a.get(), e.name) : sink.error());
      }
      offset += n;
      sh.bytes_done += n;
      if (s.on_chunk) {
        s.on_chunk(e.name, offset);
      }
      if (reports) {
        sh.report();
      }
    }
    if (archive_write_finish_entry(a.get()) != ARCHIVE_OK) {
      return fail(sink.error().message.empty() ? archive_error(a.get(), e.name) : sink.error());
    }
    ++sh.files_done;
    ++(e.directory ? part.stats.directories : part.stats.files);
    part.stats.bytes_in += e.directory ? 0 : e.size;
  }
  sink.begin_central();
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return fail(archive_error(a.get(), "the central directory"));
  }
  part.cd = FSTAGE_TRY(sink.end_central());
  part.size = sink.bytes_out();
  return {};
}

// Consecutive runs of about equal input size, one per job, none smaller than k_part_min.
std::vector<Part> plan_parts(const std::vector<TreeEntry>& entries, int jobs) {
  constexpr std::uint64_t k_part_min = 2 << 20;
  std::uint64_t total = 0;
  for (const auto& e : entries) {
    total += e.size;
  }
  const std::uint64_t n = std::clamp<std::uint64_t>(total / k_part_min, 1,
                                                    static_cast<std::uint64_t>(std::max(1, jobs)));
  std::vector<Part> parts(1);
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    acc += entries[i].size;
    parts.back().end = i + 1;
    if (parts.size() < n && acc >= total * parts.size() / n && i + 1 < entries.size()) {
      parts.emplace_back();
      parts.back().begin = i + 1;
      parts.back().end = i + 1;
    }
  }
  return parts;
}

Expected<int> anonymous_file(const fs::path& dir) {
  std::string tmpl = (dir / ".fstage-part.XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return fail(Error::from_errno("create", tmpl, errno));
  }
  ::unlink(tmpl.c_str());
  return fd;
}

// Appends a finished part to the main sink (hashing it on the way).
Expected<void> append_part(ZipSink& sink, Part& part) {
  std::string buf(k_chunk, '\0');
  if (::lseek(part.fd, 0, SEEK_SET) != 0) {
    return fail(Error::from_errno("seek", "a zip part", errno));
  }
  while (true) {
    ssize_t n = ::read(part.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR && !interrupted()) {
      continue;
    }
    if (n < 0) {
      return fail(Error::from_errno("read", "a zip part", errno));
    }
    if (n == 0) {
      return {};
    }
    sink.hash_and_write(buf.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace

Expected<ZipStats> write_zip(int fd, const std::vector<TreeEntry>& entries, const ZipSettings& s) {
  UtcZone utc;
  Shared sh(s);
  sh.total.files_total = entries.size();
  for (const auto& e : entries) {
    sh.total.bytes_total += e.size;
  }
  int jobs = s.jobs > 0 ? s.jobs : static_cast<int>(std::thread::hardware_concurrency());
  auto parts = plan_parts(entries, std::clamp(jobs, 1, 8));
  struct Closer {
    std::vector<Part>& parts;
    ~Closer() {
      for (auto& p : parts) {
        if (p.fd >= 0) {
          ::close(p.fd);
        }
      }
    }
  } closer{parts};
  std::vector<std::thread> threads;
  std::atomic<std::size_t> running{0};
  const fs::path temp_dir = s.temp_dir.empty() ? fs::path("/tmp") : s.temp_dir;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    parts[i].fd = FSTAGE_TRY(anonymous_file(temp_dir));  // all before any thread starts
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    Part* part = &parts[i];
    auto work = [part, &sh, &entries, &running] {
      ZipSink sink(part->fd, nullptr);
      part->status = write_part(sink, entries, *part, sh, false);
      if (!part->status && !part->stopped) {
        sh.stop = true;
      }
      --running;
    };
    ++running;
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      work();  // no thread to be had: do it here
    }
  }
  Sha256 sha;
  ZipSink sink(fd, &sha);
  parts[0].status = write_part(sink, entries, parts[0], sh, true);
  if (!parts[0].status) {
    sh.stop = true;
  }
  while (running > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sh.report();
  }
  for (auto& t : threads) {
    t.join();
  }
  for (auto& p : parts) {
    if (!p.status && !p.stopped) {
      return fail(p.status.error());
    }
  }
  std::string cd;
  std::size_t count = 0;
  std::uint64_t offset = 0;
  ZipStats stats;
  for (auto& p : parts) {
    if (p.fd >= 0) {
      FSTAGE_TRY(append_part(sink, p));
    }
    count += FSTAGE_TRY(shift_offsets(p.cd, offset));
    cd += p.cd;
    offset += p.size;
    stats.files += p.stats.files;
    stats.directories += p.stats.directories;
    stats.bytes_in += p.stats.bytes_in;
  }
  sink.hash_and_write(cd.data(), cd.size());
  std::string end = end_records(count, cd.size(), offset);
  sink.hash_and_write(end.data(), end.size());
  FSTAGE_TRY(sink.flush());
  sh.report();
  stats.bytes_out = sink.bytes_out();
  stats.sha256 = sha.hex();
  return stats;
}

Expected<ZipStats> write_zip_file(const fs::path& out, const std::vector<TreeEntry>& entries,
                                  const ZipSettings& s,
                                  const std::function<Expected<void>(const ZipStats&)>& accept) {
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", dir.string(), ec.value()));
  }
  std::string name = ".";  // appended, not `"." + string`: see write_file_atomic
  name += out.filename().string();
  name += ".tmp.XXXXXX";
  std::string tmp = (dir / name).string();
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return fail(Error::from_errno("create", tmp, errno));
  }
  // From here on, any way out but the final rename removes the temp file.
  struct Cleanup {
    std::string path;
    int fd;
    ~Cleanup() {
      if (fd >= 0) {
        ::close(fd);
      }
      if (!path.empty()) {
        ::unlink(path.c_str());
      }
    }
  } cleanup{tmp, fd};
  ::fchmod(fd, 0644);
  ZipSettings in_dir = s;
  in_dir.temp_dir = dir;
  auto stats = FSTAGE_TRY(write_zip(fd, entries, in_dir));
  if (::fsync(fd) != 0) {
    return fail(Error::from_errno("fsync", tmp, errno));
  }
  cleanup.fd = -1;
  if (::close(fd) != 0) {
    return fail(Error::from_errno("close", tmp, errno));
  }
  if (accept) {
    FSTAGE_TRY(accept(stats));
  }
  if (interrupted()) {
    return fail(interrupted_error());
  }
  if (::rename(tmp.c_str(), out.c_str()) != 0) {
    return fail(Error::from_errno("rename", out.string(), errno));
  }
  cleanup.path.clear();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return stats;
}

}  // namespace fstage::builder::detail
