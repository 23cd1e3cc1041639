// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>

#include "package_internal.hpp"

struct z_stream_s;

namespace fstage::builder::detail {

// Decides whether an entry is stored rather than deflated (zip_probe.cpp).
class Probe {
 public:
  explicit Probe(int level);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // True when compressing the file would save less than 1%: store it.
  Expected<bool> incompressible(CheckedReader& r, std::uint64_t size);

 private:
  bool flat(std::size_t n) const;
  std::uint64_t deflated(std::size_t n);

  std::unique_ptr<z_stream_s> m_z;
  bool m_ok = false;
  std::string m_in;
  std::string m_out;
};

// Where libarchive's zip output goes: strips the "ux" (uid/gid) and "UT" (times) extra fields
// from local and central headers, fixes the offsets that move, hashes (when given a Sha256) and
// writes the result to `fd`. The writer brackets each archive_write_header() with
// begin_header()/end_header() and archive_write_close() with begin_central()/end_central();
// everything else passes through. The central directory is returned, not written: the writer
// merges the directories of parts written in parallel and writes the end records itself.
class ZipSink {
 public:
  ZipSink(int fd, Sha256* sha);

  void begin_header();
  Expected<void> end_header();
  void begin_central();
  // The central directory entries (offsets relative to this sink's first byte); flushes.
  Expected<std::string> end_central();

  // libarchive's write callback: returns n, or -1 after a write error (see error()).
  long accept(const void* data, std::size_t n);
  // Bytes the writer adds itself (merged parts, central directory, end records).
  void hash_and_write(const char* data, std::size_t n);
  Expected<void> flush();

  const Error& error() const { return m_error; }
  std::uint64_t bytes_out() const { return m_out; }

 private:
  enum class Phase { pass, header, central };
  bool emit(const char* data, std::size_t n);
  bool write_buffer();

  int m_fd;
  Sha256* m_sha;
  Phase m_phase = Phase::pass;
  std::string m_capture;  // the record being captured
  std::string m_buf;      // output not yet written
  Error m_error;
  std::uint64_t m_in = 0;                      // bytes received from libarchive
  std::uint64_t m_out = 0;                     // bytes emitted
  std::uint64_t m_removed = 0;                 // bytes dropped so far
  std::uint64_t m_record_start = 0;            // m_in when the captured record began
  std::vector<std::uint64_t> m_local_offsets;  // original offset of each local header
  std::vector<std::uint64_t> m_shifts;         // bytes dropped before each local header
};

// The end-of-central-directory record (preceded by the zip64 records when needed).
std::string end_records(std::uint64_t entries, std::uint64_t cd_size, std::uint64_t cd_offset);

// Adds `base` to every local-header offset in a central directory; returns the entry count.
Expected<std::size_t> shift_offsets(std::string& cd, std::uint64_t base);

}  // namespace fstage::builder::detail
