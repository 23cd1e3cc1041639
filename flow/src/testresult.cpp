// SPDX-License-Identifier: Apache-2.0
// A test run's results as counts and as text: what the command line prints and what the
// JUnit report carries (kept apart from the runner, which needs the engine).
#include <fstage/flow/testrun.hpp>

namespace fstage::flow {

std::size_t SuiteResult::count(CaseResult::Outcome o) const {
  std::size_t n = 0;
  for (const auto& c : cases) {
    n += c.outcome == o ? 1 : 0;
  }
  return n;
}

std::vector<std::string> failure_lines(const CaseResult& r) {
  std::vector<std::string> out;
  if (r.outcome == CaseResult::Outcome::error) {
    out.push_back("error: " + r.error);
    return out;
  }
  for (const auto& m : r.mismatches) {
    std::string head = m.what;
    if (m.where.line > 0) {
      head += " (line " + std::to_string(m.where.line) + ")";
    }
    out.push_back(head + ":");
    for (const auto& line : m.lines) {
      out.push_back("  " + line);
    }
  }
  return out;
}

}  // namespace fstage::flow
