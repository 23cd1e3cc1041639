// SPDX-License-Identifier: Apache-2.0
// The byte sink under libarchive's zip writer. libarchive 3.6 always writes a "ux" extra field
// (uid/gid) and a "UT" field (times) in every local and central header, with no option to turn
// them off. The sink removes both as the bytes stream past (the entry time stays in the DOS
// date/time fields; like `zip -X`, no extra field is left): the writer tells it when a local header
// is being written and when the central directory is, so it can capture exactly those records, drop
// the field, and fix the offsets that moved (central directory entries, end-of-central-directory
// records). Entry data passes straight through. The output is hashed (SHA-256) and buffered on the
// way to fd.
#include "zip_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace fstage::builder::detail {

namespace {

constexpr std::size_t k_out_buffer = 256 * 1024;
constexpr std::uint16_t k_ux_id = 0x7875;  // Info-ZIP Unix uid/gid, version 3
constexpr std::uint16_t k_ut_id = 0x5455;  // extended timestamp

std::uint16_t le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    static_cast<unsigned char>(s[at + 1]) << 8);
}

std::uint32_t le32(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(le16(s, at)) | static_cast<std::uint32_t>(le16(s, at + 2))
                                                       << 16;
}

void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  }
}

Error malformed(std::string_view what) {
  return Error(ErrorCode::internal, "unexpected zip record from libarchive: " + std::string(what),
               "this is a bug in fstage; please report it with your libarchive version");
}

// The extra field without its "ux" and "UT" subfields.
Expected<std::string> strip_extra(std::string_view extra) {
  std::string out;
  std::size_t i = 0;
  while (i + 4 <= extra.size()) {
    std::size_t len = le16(extra, i + 2);
    if (i + 4 + len > extra.size()) {
      return fail(malformed("extra field overruns its header"));
    }
    const std::uint16_t id = le16(extra, i);
    if (id != k_ux_id && id != k_ut_id) {
      out.append(extra.substr(i, 4 + len));
    }
    i += 4 + len;
  }
  if (i != extra.size()) {
    return fail(malformed("trailing bytes in an extra field"));
  }
  return out;
}

}  // namespace

ZipSink::ZipSink(int fd, Sha256* sha) : m_fd(fd), m_sha(sha) {}

void ZipSink::begin_header() {
  m_phase = Phase::header;
  m_capture.clear();
  m_record_start = m_in;
}

void ZipSink::begin_central() {
  m_phase = Phase::central;
  m_capture.clear();
  m_record_start = m_in;
}

long ZipSink::accept(const void* data, std::size_t n) {
  m_in += n;
  if (m_phase != Phase::pass) {
    m_capture.append(static_cast<const char*>(data), n);
    return static_cast<long>(n);
  }
  if (!emit(static_cast<const char*>(data), n)) {
    return -1;
  }
  return static_cast<long>(n);
}

bool ZipSink::emit(const char* data, std::size_t n) {
  if (!m_error.message.empty()) {
    return false;
  }
  if (m_sha != nullptr) {
    m_sha->update(data, n);
  }
  m_out += n;
  m_buf.append(data, n);
  if (m_buf.size() >= k_out_buffer) {
    return write_buffer();
  }
  return true;
}

bool ZipSink::write_buffer() {
  std::size_t off = 0;
  while (off < m_buf.size()) {
    ssize_t w = ::write(m_fd, m_buf.data() + off, m_buf.size() - off);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w < 0) {
      m_error = Error::from_errno("write", "the zip", errno);
      return false;
    }
    off += static_cast<std::size_t>(w);
  }
  m_buf.clear();
  return true;
}

Expected<void> ZipSink::end_header() {
  m_phase = Phase::pass;
  std::string h;
  h.swap(m_capture);
  if (h.size() < 30 || std::string_view(h).substr(0, 4) != "PK\x03\x04") {
    return fail(malformed("local header"));
  }
  const std::size_t name_len = le16(h, 26);
  const std::size_t extra_len = le16(h, 28);
  if (h.size() != 30 + name_len + extra_len) {
    return fail(malformed("local header length"));
  }
  auto extra = FSTAGE_TRY(strip_extra(std::string_view(h).substr(30 + name_len, extra_len)));
  put_le(h, 28, extra.size(), 2);
  m_local_offsets.push_back(m_record_start);
  m_shifts.push_back(m_removed);
  m_removed += extra_len - extra.size();
  h.resize(30 + name_len);
  h += extra;
  if (!emit(h.data(), h.size())) {
    return fail(m_error);
  }
  return {};
}

Expected<std::string> ZipSink::end_central() {
  m_phase = Phase::pass;
  std::string_view c = m_capture;
  std::string cd;
  std::size_t pos = 0;
  std::size_t index = 0;
  while (c.size() >= pos + 46 && c.substr(pos, 4) == "PK\x01\x02") {
    const std::size_t name_len = le16(c, pos + 28);
    const std::size_t extra_len = le16(c, pos + 30);
    const std::size_t comment_len = le16(c, pos + 32);
    const std::uint32_t offset = le32(c, pos + 42);
    if (c.size() < pos + 46 + name_len + extra_len + comment_len) {
      return fail(malformed("central directory entry length"));
    }
    if (index >= m_local_offsets.size() || offset != m_local_offsets[index]) {
      return fail(malformed("central directory offset (zip64 offsets are not supported)"));
    }
    std::string head(c.substr(pos, 46 + name_len));
    auto extra = FSTAGE_TRY(strip_extra(c.substr(pos + 46 + name_len, extra_len)));
    put_le(head, 30, extra.size(), 2);
    put_le(head, 42, offset - m_shifts[index], 4);
    cd += head;
    cd += extra;
    cd.append(c.substr(pos + 46 + name_len + extra_len, comment_len));
    pos += 46 + name_len + extra_len + comment_len;
    ++index;
  }
  if (index != m_local_offsets.size()) {
    return fail(malformed("central directory entry count"));
  }
  // What follows is libarchive's end-of-central-directory record (and zip64 records for very
  // many entries): dropped, the writer composes its own for the whole archive.
  std::string_view tail = c.substr(pos);
  if (tail.size() < 22 || tail.substr(tail.size() - 22, 4) != "PK\x05\x06") {
    return fail(malformed("end of central directory"));
  }
  m_capture.clear();
  if (!write_buffer()) {
    return fail(m_error);
  }
  return cd;
}

void ZipSink::hash_and_write(const char* data, std::size_t n) {
  emit(data, n);
}

Expected<void> ZipSink::flush() {
  if (!write_buffer()) {
    return fail(m_error);
  }
  return {};
}

std::string end_records(std::uint64_t entries, std::uint64_t cd_size, std::uint64_t cd_offset) {
  std::string out;
  const std::uint64_t k32 = 0xffffffffull;
  if (entries > 0xffff || cd_size > k32 || cd_offset > k32) {
    std::string z(56, '\0');
    z.replace(0, 4, "PK\x06\x06");
    put_le(z, 4, 44, 8);   // size of the rest of the record
    put_le(z, 12, 45, 2);  // made by / needed: 4.5
    put_le(z, 14, 45, 2);
    put_le(z, 24, entries, 8);
    put_le(z, 32, entries, 8);
    put_le(z, 40, cd_size, 8);
    put_le(z, 48, cd_offset, 8);
    std::string loc(20, '\0');
    loc.replace(0, 4, "PK\x06\x07");
    put_le(loc, 8, cd_offset + cd_size, 8);
    put_le(loc, 16, 1, 4);
    out += z + loc;
  }
  std::string e(22, '\0');
  e.replace(0, 4, "PK\x05\x06");
  put_le(e, 8, std::min<std::uint64_t>(entries, 0xffff), 2);
  put_le(e, 10, std::min<std::uint64_t>(entries, 0xffff), 2);
  put_le(e, 12, std::min(cd_size, k32), 4);
  put_le(e, 16, std::min(cd_offset, k32), 4);
  return out + e;
}

Expected<std::size_t> shift_offsets(std::string& cd, std::uint64_t base) {
  std::size_t pos = 0;
  std::size_t count = 0;
  while (pos + 46 <= cd.size()) {
    const std::uint64_t offset = le32(cd, pos + 42) + base;
    if (offset >= 0xffffffffull) {
      return fail(ErrorCode::limit, "zip archives over 4 GB are not supported");
    }
    put_le(cd, pos + 42, offset, 4);
    pos += 46 + le16(cd, pos + 28) + le16(cd, pos + 30) + le16(cd, pos + 32);
    ++count;
  }
  if (pos != cd.size()) {
    return fail(malformed("central directory to merge"));
  }
  return count;
}

}  // namespace fstage::builder::detail
