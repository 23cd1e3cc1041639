// SPDX-License-Identifier: Apache-2.0
// Flows read into Definitions: the published example unchanged, a rich flow with every kind of
// state, JSON's own forms (escapes, numbers, nested arrays), and load_flow by name.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/flow/load.hpp>

#include "test_flow_support.hpp"

using fstage::OrderedJson;
using fstage::flow::Mode;
using fstage::flow::StateType;
using fstage::test::FlowProject;

namespace {

// FLOW.md §2, verbatim from the API reference (CreateWorkflow): the function is named "test".
const std::string k_published = R"({ "name" : "workflow_test", "start" : "test",
  "functions" : [ { "name" : "test",
    "operation" : "urn:fss:{regin}:c53626012ba84727b938ca8bf03108ef:test:latest" } ],
  "constants" : { },
  "states" : [ { "id" : "test", "name" : "test", "type" : "Operation", "end" : false, "transition" : "end",
      "actions" : [ { "function_ref" : { "ref_name" : "test", "arguments" : { "execution_name" : "$.test" } } } ] },
    { "id" : "end", "name" : "end", "type" : "End", "end" : true, "transition" : "",
      "state_data_filter" : { "input" : "", "output" : "" }, "actions" : [ ], "action_mode" : "" } ],
  "retries" : [ { "name" : "test" } ] }
)";

const std::string k_test_function = "  test: {runtime: python3.10, handler: index.handler}\n";

}  // namespace

TEST_CASE("the published example loads unchanged, from a file and inline", "[flow][load]") {
  for (bool inline_ : {false, true}) {
    FlowProject p(k_published, inline_, "workflow_test", k_test_function);
    INFO(p.errors());
    REQUIRE(p.manifest.manifest);
    REQUIRE(p.flows.errors.empty());
    REQUIRE(p.flows.flows.size() == 1);
    const auto& d = p.flows.flows.front();
    CHECK(d.name == "workflow_test");
    CHECK(d.start == "test");
    CHECK(d.mode == Mode::normal);
    REQUIRE(d.functions.size() == 1);
    CHECK(d.functions[0].local == "test");
    REQUIRE(d.states.size() == 2);
    CHECK(d.states[0].type == StateType::operation);
    CHECK(d.states[0].action_mode == "sequential");
    REQUIRE(d.states[0].actions.size() == 1);
    CHECK(d.states[0].actions[0].has_arguments);
    REQUIRE(d.states[0].actions[0].arguments.size() == 1);
    CHECK(d.states[0].actions[0].arguments[0].key == "execution_name");
    CHECK(d.states[0].actions[0].arguments[0].expression == "$.test");
    CHECK(d.states[1].type == StateType::end);
    CHECK(d.states[1].filter.input.empty());
    REQUIRE(d.retries.size() == 1);
    CHECK(d.retries[0].delay == 1);
    CHECK(d.retries[0].max_attempts == 3);
    CHECK(d.constants == OrderedJson::object());
    if (inline_) {
      CHECK(d.file == p.manifest.manifest->path);
      CHECK(d.states[1].where.file == "fstage.yaml");
      CHECK(d.states[1].where.str() == "fstage.yaml:15:9");  // 7 lines down, 4 columns in
    } else {
      CHECK(d.file.filename() == "workflow_test.json");
      CHECK(d.states[1].where.str() == "flows/workflow_test.json:7:5");
      CHECK(d.states[0].actions[0].ref_where.str() == "flows/workflow_test.json:6:55");
      // Declared and never used: a warning, not an error.
      REQUIRE(p.flows.warnings.size() == 1);
      CHECK(p.flows.warnings[0].str() ==
            "flows/workflow_test.json:9:28: retry 'test' is never used; expected an on_errors "
            "entry with retry_ref: test, or no such retry");
    }
  }
}

TEST_CASE("the published example needs a function 'test' in the manifest", "[flow][load]") {
  FlowProject p(k_published, false, "workflow_test");  // no function 'test'
  REQUIRE(p.manifest.manifest);
  const auto& m = *p.manifest.manifest;
  auto set = fstage::flow::load_flows(m);
  REQUIRE(set.errors.size() == 1);
  CHECK(set.errors[0].str().find("flows/workflow_test.json:3:19: function 'test': "
                                 "'urn:fss:{regin}:c53626012ba84727b938ca8bf03108ef:test:latest' "
                                 "names 'test', which is not a function in fstage.yaml") == 0);
}

TEST_CASE("a rich flow loads with every field", "[flow][load]") {
  for (bool inline_ : {false, true}) {
    FlowProject p(fstage::test::k_rich_flow, inline_, "rich");
    INFO(p.errors());
    REQUIRE(p.flows.errors.empty());
    REQUIRE(p.flows.flows.size() == 1);
    CHECK(p.flows.warnings.empty());
    const auto& d = p.flows.flows.front();
    CHECK(d.mode == Mode::express);
    CHECK(d.express_log_level == "ALL");
    REQUIRE(d.triggers.size() == 1);
    CHECK(d.triggers[0].type == "FLOWTIMER");
    CHECK(d.triggers[0].config["input"]["a"] == 1);
    REQUIRE(d.functions.size() == 3);
    CHECK(d.functions[0].local == "orders");
    CHECK(d.functions[1].local == "billing");
    CHECK(d.functions[1].metadata["team"] == "pay");
    CHECK(d.constants == OrderedJson::parse(R"({"currency": "EUR", "limits": {"max": 10}})"));
    REQUIRE(d.retries.size() == 2);
    CHECK(d.retries[0].delay == 30);
    CHECK(d.retries[0].max_attempts == 8);
    REQUIRE(d.states.size() == 7);
    const auto* validate = d.find_state("validate");
    REQUIRE(validate);
    CHECK(validate->action_mode == "parallel");
    CHECK(validate->actions.size() == 2);
    CHECK(validate->actions[0].arguments.size() == 3);
    CHECK(validate->actions[1].has_arguments == false);
    REQUIRE(validate->on_errors.size() == 1);
    CHECK(validate->on_errors[0].retry_ref == "twice");
    CHECK(validate->filter.input == "$.payload");
    const auto* route = d.find_state("route");
    REQUIRE(route);
    CHECK(route->type == StateType::switch_);
    REQUIRE(route->conditions.size() == 2);
    CHECK(route->conditions[1].expression == "$.kind == 'gift'");
    CHECK(route->default_transition == "wait");
    const auto* big = d.find_state("big");
    REQUIRE(big);
    CHECK(big->completion == 1);
    CHECK(big->result_key == "bills");
    REQUIRE(big->branches.size() == 2);
    CHECK(big->branches[1].states.size() == 2);
    const auto* each = d.find_state("each");
    REQUIRE(each);
    CHECK(each->items_path == "$.items");
    CHECK(each->iteration_variable == "line");
    CHECK(each->result_path == "$.lines");
    CHECK(each->concurrency == 4);
    REQUIRE(each->iterator);
    CHECK(each->iterator->start == "one");
    CHECK(d.find_state("wait")->duration == 86400);
  }
}

TEST_CASE("JSON's own forms read as JSON", "[flow][load]") {
  const std::string def = R"({"start":"a","constants":{"text":"caf\u00e9 \"q\" back\\slash\n\ttab",
"int":-2,"float":1.5,"exp":1e3,"big":12345678901,"t":true,"f":false,"n":null,"s":"12",
"nested":[[1,2],[3,[4,{"k":[]}]]],"empty":{}},
"states":[{"id":"a","type":"End"}]})";
  FlowProject p(def, false);
  INFO(p.errors());
  REQUIRE(p.flows.flows.size() == 1);
  const auto& c = p.flows.flows[0].constants;
  CHECK(c == OrderedJson::parse(R"({"text":"caf\u00e9 \"q\" back\\slash\n\ttab","int":-2,
    "float":1.5,"exp":1e3,"big":12345678901,"t":true,"f":false,"n":null,"s":"12",
    "nested":[[1,2],[3,[4,{"k":[]}]]],"empty":{}})"));
  CHECK(c["s"].is_string());
  CHECK(c["int"].is_number_integer());
  CHECK(c["text"] == "café \"q\" back\\slash\n\ttab");
}

TEST_CASE("a bad .json file is reported in that file", "[flow][load]") {
  FlowProject p("{\"start\": \"a\",\n \"states\": [{\"id\": \"a\", \"type\": \"End\"}\n", false);
  REQUIRE_FALSE(p.flows.errors.empty());
  CHECK(p.flows.errors[0].where.file == "flows/f.json");
  CHECK(p.flows.errors[0].message.find("YAML syntax error") != std::string::npos);
  FlowProject empty("", false);
  REQUIRE(empty.flows.errors.size() == 1);
  CHECK(empty.flows.errors[0].str() ==
        "flows/f.json:1:1: the flow definition is empty; expected a mapping with start and "
        "states");
}

TEST_CASE("load_flow finds a flow by name, or says which there are", "[flow][load]") {
  FlowProject p(fstage::test::k_rich_flow, true, "rich");
  REQUIRE(p.manifest.manifest);
  const auto& m = *p.manifest.manifest;
  CHECK(fstage::flow::flow_names(m) == std::vector<std::string>{"rich"});
  auto ok = fstage::flow::load_flow(m, "rich");
  REQUIRE(ok);
  CHECK(ok->states.size() == 7);
  auto missing = fstage::flow::load_flow(m, "rick");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == fstage::ErrorCode::not_found);
  CHECK(missing.error().message == "no flow 'rick' in fstage.yaml; did you mean 'rich'?");
  CHECK(missing.error().hint == "flows: rich");

  FlowProject bad(
      "{\"start\": \"a\", \"states\": [{\"id\": \"a\", \"type\": \"Sleep\", \"end\": true}]}",
      false);
  auto invalid = fstage::flow::load_flow(*bad.manifest.manifest, "f");
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().code == fstage::ErrorCode::invalid_input);
  CHECK(invalid.error().message.find("flows/f.json:1:27: states[0]: a Sleep state needs a "
                                     "duration") == 0);
}

TEST_CASE("a definition file larger than the limit is refused at its manifest entry",
          "[flow][load]") {
  FlowProject p("{}", false);
  fstage::test::write_text(p.scratch.path() / "flows/f.json",
                           std::string(fstage::flow::k_max_definition_bytes + 1, ' '));
  auto set = fstage::flow::load_flows(*p.manifest.manifest);
  REQUIRE(set.errors.size() == 1);
  CHECK(set.errors[0].where.str() == "fstage.yaml:7:19");
  CHECK(set.errors[0].message.find("flows.f: ") == 0);
  CHECK(set.errors[0].message.find("larger than") != std::string::npos);
}
