// SPDX-License-Identifier: Apache-2.0
// Deciding whether an entry is stored instead of deflated, from its content only (so the choice
// is as deterministic as the rest). First byte statistics on the first 16 KiB: text, code and
// most data have a skewed byte distribution and are deflated at once; a flat one (compressed
// media, archives, random data) is confirmed by deflating the first window and one from the
// middle, and the entry is stored when deflate saves less than 1%. `zip` stores what does not
// shrink too, but finds out by compressing the whole file first.
#include <zlib.h>

#include "zip_sink.hpp"

namespace fstage::builder::detail {

namespace {

// Files smaller than this are always deflated: storing them would save next to nothing.
constexpr std::uint64_t k_probe_min = 4 * 1024;
constexpr std::size_t k_probe_window = 16 * 1024;

}  // namespace

Probe::Probe(int level)
    : m_z(new z_stream_s{}), m_in(k_probe_window, '\0'), m_out(k_probe_window + 1024, '\0') {
  m_ok = deflateInit2(m_z.get(), level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

Probe::~Probe() {
  if (m_ok) {
    deflateEnd(m_z.get());
  }
}

Expected<bool> Probe::incompressible(CheckedReader& r, std::uint64_t size) {
  if (!m_ok || size < k_probe_min) {
    return false;
  }
  std::size_t n = FSTAGE_TRY(r.pread(m_in.data(), k_probe_window, 0));
  if (!flat(n)) {
    return false;
  }
  std::uint64_t in = n;
  std::uint64_t out = deflated(n);
  if (size >= 4 * k_probe_window) {
    std::size_t m = FSTAGE_TRY(r.pread(m_in.data(), k_probe_window, (size / 2) & ~4095ull));
    in += m;
    out += deflated(m);
  }
  return out * 100 >= in * 99;
}

// Integer collision test: a sum of squared byte counts near n^2/256 means a near-uniform
// distribution (collision entropy above ~7.7 bits per byte). Integers only: no libm rounding
// can make two machines decide differently.
bool Probe::flat(std::size_t n) const {
  std::uint64_t counts[256] = {};
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[static_cast<unsigned char>(m_in[i])];
  }
  std::uint64_t sum_sq = 0;
  for (auto c : counts) {
    sum_sq += c * c;
  }
  const std::uint64_t nn = static_cast<std::uint64_t>(n) * n;
  return 1024 * sum_sq <= 5 * nn;
}

std::uint64_t Probe::deflated(std::size_t n) {
  deflateReset(m_z.get());
  m_z->next_in = reinterpret_cast<Bytef*>(m_in.data());
  m_z->avail_in = static_cast<uInt>(n);
  m_z->next_out = reinterpret_cast<Bytef*>(m_out.data());
  m_z->avail_out = static_cast<uInt>(m_out.size());
  deflate(m_z.get(), Z_FINISH);
  return m_z->total_out;
}

}  // namespace fstage::builder::detail
