// SPDX-License-Identifier: Apache-2.0
#include <chrono>

#include <fstage/base/strings.hpp>
#include <fstage/flow/mock_invoker.hpp>
#include <fstage/flow/testrun.hpp>

namespace fstage::flow {

CaseResult run_case(const Definition& def, const TestCase& tc, Invoker* real,
                    const RunOptions& base) {
  CaseResult r;
  r.name = tc.name;
  r.where = tc.where;
  MockInvoker invoker(tc.mocks, real);
  RunOptions options = base;
  options.input = tc.input;
  const auto start = std::chrono::steady_clock::now();
  auto run_result = run(def, invoker, options);
  r.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto calls = invoker.calls();
  r.calls = calls.size();
  for (const auto& c : calls) {
    r.mocked_calls += c.mocked ? 1 : 0;
  }
  if (!run_result) {
    r.outcome = CaseResult::Outcome::error;
    r.error = "the run could not begin: " + run_result.error().message;
    return r;
  }
  r.execution = std::move(*run_result);
  // A problem of the test (a mock missing for an attempt) comes first: it is why the run
  // stopped, and what to fix.
  if (auto problems = invoker.problems(); !problems.empty()) {
    r.outcome = CaseResult::Outcome::error;
    r.error = join(problems, "; ");
    return r;
  }
  if (r.execution.sandbox_failure) {
    r.outcome = CaseResult::Outcome::error;
    r.error = "the function of state " + quote(r.execution.error_state) +
              " could not start: " + r.execution.error_message;
    return r;
  }
  r.mismatches = compare(tc.expect, r.execution, calls);
  r.outcome = r.mismatches.empty() ? CaseResult::Outcome::passed : CaseResult::Outcome::failed;
  return r;
}

}  // namespace fstage::flow
