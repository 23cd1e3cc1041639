// SPDX-License-Identifier: Apache-2.0
#pragma once

// A remote execution's history (ShowWorkflowExecution's node_execution_details) as the lines
// `fstage flow run` writes on stderr: "+<ms since the first node began> ms  <state>  start",
// then "end  <duration> ms  <status>", and a SUMMARY line. Used by `remote flow history` and by
// `remote flow run` while it follows an execution (printing only the lines not yet printed).

#include <set>
#include <string>
#include <vector>

#include <fstage/base/json.hpp>

namespace fstage::cli {

struct HistoryLine {
  std::string key;  // stable across polls: node, attempt and kind ("test#0>")
  long long at_ms = 0;
  std::string text;
};

// Every line the record holds so far, in time order (a running attempt has only its start).
std::vector<HistoryLine> history_lines(const Json& record);

// "SUMMARY Status: success\tStates: 2\tAttempts: 2\tWall: 612.000 ms".
std::string history_summary(const Json& record);

// The lines of `record` whose keys are not in `printed`, which gains them.
std::vector<std::string> new_history_lines(const Json& record, std::set<std::string>& printed);

// true for success, fail, timeout and cancel: the execution will not change any more.
bool is_end_status(const std::string& status);

// The exit code for an ended execution's status, from the one table: success 0, timeout 11,
// fail and cancel (and anything else) 14.
int exit_code_for_status(const std::string& status);

}  // namespace fstage::cli
