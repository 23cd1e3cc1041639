// SPDX-License-Identifier: Apache-2.0
// What a flow test's run did against what its case expected, as lines a person reads in a
// terminal or a CI log: per key for JSON, per step for the path taken.
#pragma once

#include <string>
#include <vector>

#include <fstage/base/json.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/mock_invoker.hpp>
#include <fstage/flow/testcase.hpp>

namespace fstage::flow {

// One expectation the run did not meet.
struct Mismatch {
  std::string what;                // "status", "output", "path", "attempts.charge", "error"
  Location where;                  // of the expectation in the test file
  std::vector<std::string> lines;  // the difference, one line each
};

// The differences between two JSON values, each "$.a.b[0]: expected 1, got 2",
// "$.c: missing (expected "x")" or "$.d: not expected (got 3)". Objects compare by key, in any
// order; numbers by value (1 equals 1.0). With `subset`, `actual` may hold keys `expected`
// leaves out, at any depth (arrays still compare element by element, at the same length).
// At most `max_lines` lines, the last one saying how many more there are. Empty: equal.
std::vector<std::string> json_diff(const OrderedJson& expected, const OrderedJson& actual,
                                   bool subset, std::size_t max_lines = 20);

// The path taken against the one expected: the first step that differs, then both paths.
// Empty when they are the same.
std::vector<std::string> path_diff(const std::vector<std::string>& expected,
                                   const std::vector<std::string>& actual);

// Every expectation of `x` that the run `e` (with the calls its invoker recorded) missed.
std::vector<Mismatch> compare(const CaseExpectation& x, const Execution& e,
                              const std::vector<MockInvoker::Call>& calls);

}  // namespace fstage::flow
