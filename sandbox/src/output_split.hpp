// SPDX-License-Identifier: Apache-2.0
// Where one invocation's output ends in a pipe that the instance's invocations share, when the
// next one was queued in the instance before this one answered (FunctionRunner's
// InvokeRequest::next): the shim writes end_marker(id) after the invocation's output and
// before its answer, and the bytes after the marker are the next invocation's.
#pragma once

#include <string>
#include <string_view>

namespace fstage::sandbox::detail {

class OutputSplit {
 public:
  // Looks for `marker` from now on: what comes before it is the current invocation's.
  void expect(std::string marker);
  // Looks for nothing: every byte fed is the current invocation's.
  void clear();
  bool expecting() const { return !m_marker.empty() && !m_found; }
  bool found() const { return m_found; }
  // Takes `data` in: appends to `mine` what belongs to the current invocation (all of it
  // unless a marker is expected); what follows the marker is kept for take_rest(). A tail
  // that may be the marker's beginning is held until the next call.
  void feed(std::string_view data, std::string& mine);
  // The marker will not come (the function closed the pipe): a tail held goes to `mine`.
  void give_up(std::string& mine);
  // The bytes after the marker, for the next invocation; looks for nothing afterwards.
  std::string take_rest();

 private:
  std::string m_marker;
  std::string m_held;  // before the marker is found: a possible start of it
  std::string m_rest;  // after it
  bool m_found = false;
};

}  // namespace fstage::sandbox::detail
