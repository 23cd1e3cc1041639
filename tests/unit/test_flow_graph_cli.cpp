// SPDX-License-Identifier: Apache-2.0
// `fstage flow graph` through the whole CLI, in-process: formats, -o, --execution, errors.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/flow/graph.hpp>

#include "test_support.hpp"

using namespace fstage;
using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::Scratch;

namespace {

// One function, one flow written inline: an Operation retried then routed, a Switch, a
// Parallel, a Foreach and an End.
void write_project(const std::filesystem::path& dir) {
  REQUIRE(write_file_atomic(dir / "index.py", "def handler(event, context):\n  return {}\n"));
  REQUIRE(write_file_atomic(dir / "fstage.yaml", R"(name: shop
functions:
  orders:
    runtime: Python3.10
    handler: index.handler
    code: .
flows:
  checkout:
    start: take
    functions:
      - {name: take, operation: orders}
    constants: {}
    retries:
      - {name: thrice, delay: 2, max_attempts: 3}
    states:
      - id: take
        type: Operation
        transition: pick
        actions: [{function_ref: {ref_name: take}}]
        on_errors: [{error: "*", transition: done, retry_ref: thrice}]
      - id: pick
        type: Switch
        conditions: [{condition: "$.n > 1", transition: fan}]
        default: each
      - id: fan
        type: Parallel
        transition: done
        branches:
          - start: a
            states:
              - {id: a, type: Operation, end: true, actions: [{function_ref: {ref_name: take}}]}
          - start: b
            states:
              - {id: b, type: Sleep, duration: 5, end: true}
      - id: each
        type: Foreach
        items_path: $.items
        concurrency: 2
        transition: done
        iterator:
          start: one
          states:
            - {id: one, type: Operation, end: true, actions: [{function_ref: {ref_name: take}}]}
      - {id: done, type: End, end: true}
)"));
}

}  // namespace

TEST_CASE("fstage flow graph writes DOT and Mermaid, to stdout or -o", "[flow][graph][cli]") {
  Scratch s;
  write_project(s.path());
  CliRun dot({"flow", "graph", "checkout", "--format", "dot"}, s.path());
  INFO(dot.err.str());
  REQUIRE(dot.code == 0);
  CHECK(has(dot.out, "digraph \"flow\""));
  CHECK(has(dot.out, "style=dashed"));
  CHECK(has(dot.out, "any error<br/>retry ×3 every 2s"));
  CHECK(has(dot.out, "shape=diamond"));
  CHECK(has(dot.out, "branch 2"));
  CHECK(has(dot.out, "for each item in $.items"));

  // The format from -o's extension.
  CliRun mmd({"flow", "graph", "checkout", "-o", "flow.mmd"}, s.path());
  INFO(mmd.err.str());
  REQUIRE(mmd.code == 0);
  CHECK(mmd.out.str().empty());
  auto text = read_file(s.path() / "flow.mmd");
  REQUIRE(text.has_value());
  CHECK(text->find("flowchart TD") != std::string::npos);
  CHECK(text->find("-.->|\"any error<br/>retry ×3 every 2s\"|") != std::string::npos);

  CliRun png({"flow", "graph", "checkout", "-o", "flow.png"}, s.path());
  CHECK(png.code == 2);
  CHECK(has(png.err, "cannot tell the format from 'flow.png'"));
  CliRun bad_format({"flow", "graph", "checkout", "--format", "png"}, s.path());
  CHECK(bad_format.code == 2);
  CliRun unknown({"flow", "graph", "nope", "--format", "dot"}, s.path());
  CHECK(unknown.code == 4);
}

TEST_CASE("fstage flow graph --execution colours states, and names a bad file",
          "[flow][graph][cli]") {
  Scratch s;
  write_project(s.path());
  REQUIRE(write_file_atomic(s.path() / "run.json", R"({"status": "fail",
    "fstage": {"workflow_name": "checkout"},
    "node_execution_details": [
      {"node_id": "take", "executions": [{"status": "fail"}, {"status": "success"}]},
      {"node_id": "pick", "executions": [{"status": "success"}]},
      {"node_id": "each", "executions": [{"status": "fail"}]},
      {"node_id": "each/0/one", "executions": [{"status": "fail"}]}]})"));
  CliRun run({"flow", "graph", "checkout", "--format", "dot", "--execution", "run.json"}, s.path());
  INFO(run.err.str());
  REQUIRE(run.code == 0);
  CHECK(has(run.out, "success · 2 attempts"));
  CHECK(has(run.out, flow::status_colors("fail").fill));
  CHECK(has(run.out, "not run"));

  REQUIRE(write_file_atomic(s.path() / "bad.json", R"({"node_execution_details": 3})"));
  CliRun bad({"flow", "graph", "checkout", "--format", "dot", "--execution", "bad.json"}, s.path());
  CHECK(bad.code == 3);
  CHECK(has(bad.err, "bad.json: node_execution_details: expected an array"));

  CliRun missing({"flow", "graph", "checkout", "--format", "dot", "--execution", "none.json"},
                 s.path());
  CHECK(missing.code == 4);
  CHECK(has(missing.err, "none.json"));
}
