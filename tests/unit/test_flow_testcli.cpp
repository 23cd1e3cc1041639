// SPDX-License-Identifier: Apache-2.0
// `fstage flow test` in-process over a project with every state mocked (no sandbox): the
// report, the exit codes (0, 14, 3, 4) and --junit.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/read.hpp>

#include "test_support.hpp"

using namespace fstage;
using fstage::test::CliRun;
using fstage::test::has;

namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// shop: two Python functions and the flow `orders` (validate -> charge -> done).
void project(const fs::path& dir) {
  write(dir / "fstage.yaml",
        "name: shop\nfunctions:\n"
        "  validate: {runtime: python3.10, handler: index.handler, code: v}\n"
        "  charge: {runtime: python3.10, handler: index.handler, code: c}\n"
        "flows:\n  orders:\n    definition: flows/orders.json\n");
  write(dir / "v/index.py", "def handler(e, c):\n    return e\n");
  write(dir / "c/index.py", "def handler(e, c):\n    return e\n");
  write(dir / "flows/orders.json", R"({"name": "orders", "start": "validate",
  "functions": [{"name": "validate", "operation": "validate"},
                {"name": "charge", "operation": "charge"}],
  "constants": {}, "retries": [],
  "states": [
    {"id": "validate", "type": "Operation", "transition": "charge",
     "actions": [{"function_ref": {"ref_name": "validate"}}]},
    {"id": "charge", "type": "Operation", "transition": "done",
     "actions": [{"function_ref": {"ref_name": "charge"}}]},
    {"id": "done", "type": "End", "end": true}]})");
}

const char* k_cases = R"(cases:
  - name: passes
    mocks:
      validate: {"0": {result: {ok: 1}}}
      charge: {"0": {result: {charged: true}}}
    expect:
      output: {charged: true}
      path: [validate, charge, done]
)";

}  // namespace

TEST_CASE("cli flow test: all passing is 0, a failing case 14 with its diff", "[flow][test][cli]") {
  test::Scratch s;
  project(s.path());
  write(s.path() / "flows/orders.test.yaml", k_cases);
  CliRun ok({"flow", "test"}, s.path());
  INFO(ok.out.str() << ok.err.str());
  CHECK(ok.code == 0);
  CHECK(has(ok.out, "  PASS  passes"));
  CHECK(has(ok.out, "1 passed, 0 failed"));

  write(s.path() / "flows/orders.test.yaml",
        std::string(k_cases) +
            "  - name: fails\n    mocks:\n      validate: {\"0-\": {result: {}}}\n"
            "      charge: {\"0-\": {result: {charged: false}}}\n"
            "    expect:\n      output: {charged: true}\n");
  CliRun bad({"flow", "test", "orders", "--junit", "r.xml"}, s.path());
  INFO(bad.out.str() << bad.err.str());
  CHECK(bad.code == 14);
  CHECK(has(bad.out, "  FAIL  fails"));
  CHECK(has(bad.out, "$.charged: expected true, got false"));
  CHECK(has(bad.out, "1 passed, 1 failed"));
  auto xml = read_file(s.path() / "r.xml");
  REQUIRE(xml);
  CHECK(xml->find("<failure message=\"output: $.charged: expected true, got false\"") !=
        std::string::npos);
}

TEST_CASE("cli flow test: a bad test file is 3, an unknown flow or case 4", "[flow][test][cli]") {
  test::Scratch s;
  project(s.path());
  CliRun none({"flow", "test"}, s.path());
  CHECK(none.code == 4);
  CHECK(has(none.err, "no flow has a test file"));

  write(s.path() / "flows/orders.test.yaml",
        "cases:\n  - name: a\n    mocks:\n      chrage: {\"0\": {result: 1}}\n");
  CliRun bad({"flow", "test"}, s.path());
  CHECK(bad.code == 3);
  CHECK(has(bad.err,
            "flows/orders.test.yaml:4:7: mocks.chrage: flow 'orders' has no state 'chrage'"));
  CHECK(bad.out.str().empty());

  write(s.path() / "flows/orders.test.yaml", k_cases);
  CliRun unknown({"flow", "test", "ordres"}, s.path());
  CHECK(unknown.code == 4);
  CliRun no_case({"flow", "test", "--case", "pases"}, s.path());
  CHECK(no_case.code == 4);
  CHECK(has(no_case.err, "no test case named 'pases'; did you mean 'passes'?"));
  // A flow that does not validate is reported as the loader reports it, and nothing runs.
  write(s.path() / "flows/orders.json", "{\"name\": \"orders\", \"start\": \"nowhere\"}");
  CliRun invalid({"flow", "test"}, s.path());
  CHECK(invalid.code == 3);
  CHECK(has(invalid.err, "flows/orders.json:1:"));
  CHECK(invalid.out.str().empty());
  project(s.path());
  CliRun json({"flow", "test", "--json"}, s.path());
  CHECK(json.code == 0);
  CHECK(has(json.out, "\"passed\": 1"));
}
