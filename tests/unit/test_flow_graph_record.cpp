// SPDX-License-Identifier: Apache-2.0
// `flow graph --execution` reads what the engine records: a flow loaded from a manifest, run
// by flow::run against a mock Invoker, its flow::to_json read back and drawn.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/graph.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_flow_engine_support.hpp"
#include "test_support.hpp"

using namespace fstage;
using fstage::test::MockInvoker;
using fstage::test::Scratch;

TEST_CASE("flow graph colours the states a real run recorded, retries and iterations included",
          "[flow][graph]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "index.py", "def handler(event, context):\n  return {}\n"));
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml", R"(name: shop
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
      - {name: twice, delay: 1, max_attempts: 2}
    states:
      - id: take
        type: Operation
        transition: pick
        actions: [{function_ref: {ref_name: take}}]
        on_errors: [{error: "*", retry_ref: twice}]
      - id: pick
        type: Switch
        conditions: [{condition: "$.n > 1", transition: fan}, {condition: "$.n < 0", transition: done}]
        default: each
      - id: fan
        type: Parallel
        transition: each
        branches:
          - start: a
            states:
              - {id: a, type: Operation, end: true, actions: [{function_ref: {ref_name: take}}]}
          - start: b
            states:
              - {id: b, type: Sleep, duration: 1, end: true}
      - id: each
        type: Foreach
        items_path: $.items
        transition: done
        iterator:
          start: one
          states:
            - {id: one, type: Operation, end: true, actions: [{function_ref: {ref_name: take}}]}
      - {id: done, type: End, end: true}
)"));
  auto m = manifest::load_manifest(s.path() / "fstage.yaml");
  REQUIRE(m.has_value());
  auto def = flow::load_flow(*m, "checkout");
  INFO((def ? std::string() : def.error().message));
  REQUIRE(def.has_value());

  // take fails once and succeeds on its retry; the Switch picks the Parallel; then each item
  // runs `one`.
  MockInvoker invoker;
  invoker.answer = [](const flow::Invocation& call) {
    if (call.state_id == "take" && call.attempt == 0) {
      return MockInvoker::error("Boom");
    }
    return MockInvoker::ok(R"({"n": 2, "items": [1, 2, 3]})");
  };
  auto run = flow::run(*def, invoker, flow::RunOptions{});
  REQUIRE(run.has_value());
  REQUIRE(run->status == "success");

  const std::string recorded = flow::to_json(*run).dump();
  auto execution = flow::read_execution(recorded, "run.json");
  INFO(recorded);
  REQUIRE(execution.has_value());
  CHECK(execution->workflow_name == "checkout");
  auto g = flow::build_graph(*def, &*execution);
  REQUIRE(g.has_value());
  CHECK(flow::describe_run(g->find_state("take")->run) == "success · 2 attempts");
  CHECK(g->find_state("pick")->run.status == "success");
  CHECK(g->find_state("fan")->run.status == "success");
  CHECK(g->find_state("fan/0/a")->run.status == "success");
  CHECK(g->find_state("fan/1/b")->run.status == "success");
  int branches_run = 0;
  for (const auto& c : g->clusters) {
    branches_run += c.kind == flow::GraphCluster::Kind::branch && c.has_run ? 1 : 0;
  }
  CHECK(branches_run == 2);
  CHECK(g->find_state("each")->run.status == "success");
  const flow::GraphNode* one = g->find_state("each/*/one");
  REQUIRE(one != nullptr);
  CHECK(one->has_run);
  CHECK(flow::describe_run(one->run) == "success · 3 runs");
  CHECK(g->find_state("done")->run.status == "success");
}
