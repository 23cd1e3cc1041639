// SPDX-License-Identifier: Apache-2.0
// Runs one test case of a flow: the engine with the case's input, its mocks in front of the
// real functions, and the run compared with what the case expects.
#pragma once

#include <string>
#include <vector>

#include <fstage/flow/engine.hpp>
#include <fstage/flow/testcase.hpp>
#include <fstage/flow/testdiff.hpp>

namespace fstage::flow {

struct CaseResult {
  enum class Outcome {
    passed,
    failed,  // the run missed an expectation (mismatches)
    error,   // the case could not be judged: a mock missing for an attempt, a function that
             // could not start, a run that could not begin (`error` says which)
  };
  std::string name;
  Location where;  // of the case in the test file
  Outcome outcome = Outcome::passed;
  std::vector<Mismatch> mismatches;
  std::string error;
  Execution execution;  // what ran (empty when the run could not begin)
  std::size_t calls = 0;
  std::size_t mocked_calls = 0;
  double duration_ms = 0;
};

// One test file's cases, run against one flow.
struct SuiteResult {
  std::string flow;
  std::string file;       // the test file as shown to the user
  std::string timestamp;  // when the suite started, ISO 8601 UTC ("2026-12-04T20:00:00")
  std::vector<CaseResult> cases;
  double duration_ms = 0;

  std::size_t count(CaseResult::Outcome o) const;
};

// Runs `tc` on `def`. `real` runs the states the case does not mock (nullptr: none may run).
// `base` carries everything but the input (virtual time, cancellation, headers). Never
// throws; what prevents a run is the result's `error`.
CaseResult run_case(const Definition& def, const TestCase& tc, Invoker* real,
                    const RunOptions& base);

// The failure of a case as lines for a person: for `failed`, each mismatch ("status:" then
// its lines, indented); for `error`, the reason. Empty for a passed case.
std::vector<std::string> failure_lines(const CaseResult& r);

}  // namespace fstage::flow
