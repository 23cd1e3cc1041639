// SPDX-License-Identifier: Apache-2.0
// A flow's test cases, kept beside it (flows/orders.json -> flows/orders.test.yaml): for each
// case an input, the answers that stand in for some states' functions by attempt, and what
// the run must end with. `fstage flow test` runs them; the README documents the form:
//
//   cases:
//     - name: retries then recovers
//       input: {order: 42}
//       mocks:
//         charge:                       # a state id (an Operation, at any depth)
//           "0": {error: {type: PaymentDeclined, message: "card declined"}}
//           "1-2": {result: {charged: true}}
//           "3-": {result: {charged: true}}   # an open range: every attempt from 3 on
//         notify:
//           email: {"0-": {result: {}}}       # one action of a state, by its ref_name
//       expect:
//         status: success               # default: success
//         output: {charged: true}       # exact; or output_contains: a subset
//         path: [validate, charge, ship]
//         attempts: {charge: 2}         # calls of the state's functions
//         error: {type: PaymentDeclined, state: charge}
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/flow/model.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::flow {

// What a mock answers in place of the function: its result, or an error (function_error with
// the function's errorType and message, which on_errors routes as a real one).
struct MockAnswer {
  bool is_error = false;
  OrderedJson result;  // !is_error
  std::string error_type;
  std::string error_message;
  Location where;
};

// Attempts first..last (0-based; last == k_open_end for "3-") answered by `answer`.
inline constexpr int k_open_end = -1;
struct MockRange {
  int first = 0;
  int last = 0;
  MockAnswer answer;
  Location where;  // of the attempt key
  bool covers(int attempt) const {
    return attempt >= first && (last == k_open_end || attempt <= last);
  }
  std::string str() const;  // "0", "1-2", "3-"
};

// The mocks of one state: every action of it, or only the action calling `ref_name`.
struct StateMock {
  std::string state_id;
  std::string ref_name;           // "" for every action of the state
  std::vector<MockRange> ranges;  // sorted by first attempt, never overlapping
  Location where;                 // of the state's key (or the ref's)
};

struct CaseExpectation {
  std::string status = "success";              // success, fail, timeout or cancel
  std::optional<OrderedJson> output;           // equal, as JSON
  std::optional<OrderedJson> output_contains;  // every key given, recursively (README)
  std::optional<std::vector<std::string>> path;
  std::vector<std::pair<std::string, int>> attempts;  // state id -> calls of its functions
  std::optional<std::string> error_type;              // of the error that ended the run
  std::optional<std::string> error_state;
  Location status_where;
  Location output_where;
  Location path_where;
  std::vector<Location> path_items_where;  // one per path entry
  std::vector<Location> attempts_where;    // one per attempts entry
  Location error_where;
};

struct TestCase {
  std::string name;
  OrderedJson input = OrderedJson::object();
  std::vector<StateMock> mocks;
  CaseExpectation expect;
  Location where;  // of the case's mapping
};

struct TestFile {
  std::filesystem::path file;  // as read
  std::string origin;          // how diagnostics name it
  std::vector<TestCase> cases;
};

// Where a flow's test cases are: beside its definition file, the definition's stem plus
// ".test.yaml" (flows/orders.json -> flows/orders.test.yaml); for an inline flow
// flows/<name>.test.yaml under the project root. Absolute.
std::filesystem::path test_file_path(const manifest::Manifest& m, const manifest::FlowSource& src);

struct TestFileParse {
  std::optional<TestFile> file;  // set when there are no errors
  std::vector<Diagnostic> errors;
};

// Parses a test file's text; every problem a Diagnostic at origin:line:column with the form
// that was expected. Never throws.
TestFileParse parse_test_file(std::string_view text, const std::string& origin);

// The problems of `tf` against the flow it tests: mocks of states the flow does not have or
// that call no function (a Sleep, End, Switch...), of a ref_name the state does not call,
// `attempts` of unknown states, `path` entries naming no state. Errors, in file order.
std::vector<Diagnostic> check_test_file(const TestFile& tf, const Definition& def);

// Reads `file`, parses it and checks it against `def`. Errors: not_found / io (the file),
// invalid_input with one detail line per diagnostic.
Expected<TestFile> load_test_file(const std::filesystem::path& file, const std::string& origin,
                                  const Definition& def);

// Every state of `def` with its id, nested ones (Parallel branches, Foreach bodies) too.
std::vector<const State*> all_states(const Definition& def);

}  // namespace fstage::flow
