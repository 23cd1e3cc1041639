// SPDX-License-Identifier: Apache-2.0
// Where one invocation's output ends in a pipe that the instance's invocations share, when the
// next one was queued in the instance before this one answered (FunctionRunner's
// InvokeRequest::next): the shim writes end_marker(id) after the invocation's output and
// before its answer, and the bytes after the marker are the next invocation's (OutputSplit,
// one pipe; InstanceOutput, each of the instance's, with the bytes kept between invocations).
#pragma once

#include <array>
#include <functional>
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

// An instance's stdout and stderr (one pipe when the sandbox merged them: SandboxConfig::
// merge_output, its stderr fd then -1), for the invocation running now: what the pipes hold goes to
// its logs and to `on_output` (RunnerOptions::on_output, may be empty); when invocations are
// queued in the instance, each pipe is split at the running one's end marker, and the bytes
// after it are kept for the next.
class InstanceOutput {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit InstanceOutput(const Sink* on_output) : m_on_output(on_output) {}

  // Reads what the pipes hold now (a negative fd is skipped).
  void drain(int out_fd, int err_fd, std::string& logs);
  // The running invocation's output ends at `marker` in each pipe.
  void expect(const std::string& marker);
  // The running invocation answered: its output ends at its marker, which the shim wrote
  // before the answer (read once more for it; a pipe the function closed has none). What
  // follows is the next invocation's.
  void end_marked(int out_fd, int err_fd, std::string& logs);
  // An invocation becomes the running one: the bytes kept since the last marker are its
  // (split at its own `marker`, when it has one: it may have finished already).
  void take_carried(std::string& logs, const std::string& marker);
  // Bytes of fstage's own for the running invocation's output (a retry's note).
  void emit(std::string& logs, std::string_view data);
  // Forgets markers and kept bytes (the instance is gone).
  void clear();

 private:
  std::array<OutputSplit, 2> m_split;  // stdout, stderr
  std::array<std::string, 2> m_carried;
  const Sink* m_on_output;
};

}  // namespace fstage::sandbox::detail
