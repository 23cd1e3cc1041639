// SPDX-License-Identifier: Apache-2.0
#include "output_split.hpp"

#include <algorithm>
#include <utility>

#include <fstage/sandbox/sandbox.hpp>

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

void InstanceOutput::emit(std::string& logs, std::string_view data) {
  logs.append(data);
  if (m_on_output != nullptr && *m_on_output) {
    (*m_on_output)(data);
  }
}

void InstanceOutput::drain(int out_fd, int err_fd, std::string& logs) {
  const int fds[2] = {out_fd, err_fd};
  for (std::size_t i = 0; i < 2; ++i) {
    if (fds[i] < 0) {
      continue;
    }
    std::string chunk;
    drain_fd(fds[i], chunk);
    if (chunk.empty()) {
      continue;
    }
    if (!m_split[i].expecting() && !m_split[i].found()) {
      emit(logs, chunk);
      continue;
    }
    std::string mine;
    m_split[i].feed(chunk, mine);
    if (!mine.empty()) {
      emit(logs, mine);
    }
  }
}

void InstanceOutput::expect(const std::string& marker) {
  for (auto& split : m_split) {
    split.expect(marker);
  }
}

void InstanceOutput::end_marked(int out_fd, int err_fd, std::string& logs) {
  // A pipe that is not there (stderr merged into stdout) has no marker to read for.
  if ((out_fd >= 0 && m_split[0].expecting()) || (err_fd >= 0 && m_split[1].expecting())) {
    drain(out_fd, err_fd, logs);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (m_split[i].expecting()) {
      std::string mine;
      m_split[i].give_up(mine);
      if (!mine.empty()) {
        emit(logs, mine);
      }
    }
    m_carried[i] += m_split[i].take_rest();
  }
}

void InstanceOutput::take_carried(std::string& logs, const std::string& marker) {
  for (std::size_t i = 0; i < 2; ++i) {
    if (!marker.empty()) {
      m_split[i].expect(marker);
    }
    if (m_carried[i].empty()) {
      continue;
    }
    std::string mine;
    m_split[i].feed(m_carried[i], mine);
    m_carried[i].clear();
    if (!mine.empty()) {
      emit(logs, mine);
    }
  }
}

void InstanceOutput::clear() {
  for (std::size_t i = 0; i < 2; ++i) {
    m_split[i].clear();
    m_carried[i].clear();
  }
}

}  // namespace fstage::sandbox::detail
