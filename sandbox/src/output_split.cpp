// SPDX-License-Identifier: Apache-2.0
#include "output_split.hpp"

#include <algorithm>
#include <utility>

namespace fstage::sandbox::detail {

void OutputSplit::expect(std::string marker) {
  m_marker = std::move(marker);
  m_found = false;
}

void OutputSplit::clear() {
  m_marker.clear();
  m_held.clear();
  m_rest.clear();
  m_found = false;
}

void OutputSplit::feed(std::string_view data, std::string& mine) {
  if (m_found) {
    m_rest.append(data);
    return;
  }
  if (m_marker.empty()) {
    mine.append(data);
    return;
  }
  std::string_view buf = data;
  std::string joined;
  if (!m_held.empty()) {
    joined = std::move(m_held) + std::string(data);
    m_held.clear();
    buf = joined;
  }
  if (auto at = buf.find(m_marker); at != std::string_view::npos) {
    mine.append(buf.substr(0, at));
    m_rest.append(buf.substr(at + m_marker.size()));
    m_found = true;
    return;
  }
  // The longest tail that could begin the marker stays held.
  std::size_t keep = 0;
  for (std::size_t k = std::min(m_marker.size() - 1, buf.size()); k > 0; --k) {
    if (buf.substr(buf.size() - k) == std::string_view(m_marker).substr(0, k)) {
      keep = k;
      break;
    }
  }
  mine.append(buf.substr(0, buf.size() - keep));
  m_held = std::string(buf.substr(buf.size() - keep));
}

void OutputSplit::give_up(std::string& mine) {
  mine += m_held;
  m_held.clear();
  m_marker.clear();
  m_found = false;
}

std::string OutputSplit::take_rest() {
  std::string rest = std::move(m_rest);
  clear();
  return rest;
}

}  // namespace fstage::sandbox::detail
