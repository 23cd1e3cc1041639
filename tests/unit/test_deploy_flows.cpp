// SPDX-License-Identifier: Apache-2.0
// Deploying flows, the pure parts (deploy/flows.hpp): the body sent to the v2 workflow API,
// the comparison with what the API shows back, the refusal of local-only states, and the
// deploy state's record of deployed flows.
#include <catch2/catch.hpp>

#include <fstage/deploy/flows.hpp>
#include <fstage/deploy/state.hpp>

#include "test_flow_support.hpp"

using fstage::Json;
using fstage::test::FlowProject;
namespace deploy = fstage::deploy;

namespace {

const std::string k_urn_written =
    "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:other:orders:v2";

// Operation, Sleep and End only: what the platform accepts.
const std::string k_v2_flow = R"({
  "start": "check",
  "functions": [
    {"name": "check", "operation": ")" +
                              k_urn_written + R"("},
    {"name": "bill", "operation": "billing", "metadata": {"team": "pay"}}
  ],
  "constants": {"currency": "EUR"},
  "retries": [{"name": "twice", "delay": 30, "max_attempts": 8}, {"name": "plain"}],
  "states": [
    {"id": "check", "name": "check", "type": "Operation", "transition": "nap",
     "actions": [{"function_ref": {"ref_name": "check", "arguments": {"n": "$.n | 3"}}}],
     "on_errors": [{"error": "*", "retry_ref": "twice"}]},
    {"id": "nap", "name": "nap", "type": "Sleep", "duration": 5, "transition": "charge"},
    {"id": "charge", "name": "charge", "type": "Operation", "transition": "done",
     "actions": [{"function_ref": {"ref_name": "bill"}}],
     "state_data_filter": {"input": "$.order", "output": ""}},
    {"id": "done", "name": "done", "type": "End", "end": true}
  ]
})";

std::string local_urn(const std::string& name) {
  return "urn:fss:cn-north-4:p1:function:default:" + name + ":latest";
}

Json body_of(const FlowProject& p) {
  REQUIRE(p.errors().empty());
  REQUIRE(p.flows.flows.size() == 1);
  return deploy::workflow_body(p.flows.flows[0], local_urn);
}

// The flow as the API shows it: the body with its defaults filled in and the server's fields.
Json as_shown(Json body) {
  body["id"] = "wf-1";
  body["workflow_urn"] = "urn:fss:cn-north-4:p1:workflow:default:f:latest";
  body["created_time"] = "2026-12-04T21:00:00Z";
  body["description"] = "";
  body["triggers"] = Json::array();
  body["enable_stream_response"] = false;
  for (auto& s : body["states"]) {
    s["on_errors"] = s.value("on_errors", Json::array());
    if (s["action_mode"] == "") {
      s["action_mode"] = "sequential";
    }
  }
  for (auto& r : body["retries"]) {
    r.erase("delay");  // the API's defaults, not sent back
    r.erase("max_attempts");
  }
  body["retries"][0]["delay"] = 30;
  body["retries"][0]["max_attempts"] = 8;
  return body;
}

}  // namespace

TEST_CASE("flow body: local functions become their deployed URNs, written URNs stay",
          "[deploy][flow]") {
  FlowProject p(k_v2_flow, false);
  Json body = body_of(p);
  CHECK(body["name"] == "f");
  CHECK(body["mode"] == "NORMAL");
  CHECK(body["functions"][0]["operation"] == k_urn_written);
  CHECK(body["functions"][1]["operation"] == local_urn("billing"));
  CHECK(body["functions"][1]["metadata"] == Json{{"team", "pay"}});
  CHECK(body["constants"] == Json{{"currency", "EUR"}});
  CHECK(body["retries"][1] == Json{{"name", "plain"}, {"delay", 1}, {"max_attempts", 3}});
  const Json& check = body["states"][0];
  CHECK(check["actions"][0]["function_ref"]["arguments"] == Json{{"n", "$.n | 3"}});
  CHECK(check["actions"][0]["function_ref"]["invoke_mode"] == "synchronize");
  CHECK(check["on_errors"][0] == Json{{"error", "*"}, {"retry_ref", "twice"}});
  CHECK(body["states"][1]["duration"] == 5);
  CHECK_FALSE(body["states"][0].contains("duration"));
  CHECK(body["states"][2]["state_data_filter"] == Json{{"input", "$.order"}, {"output", ""}});
  CHECK(body["states"][3]["end"] == true);
  // No field the v2 model does not have.
  for (const auto& [key, value] : body.items()) {
    CHECK(std::string("name start description mode express_config triggers functions states "
                      "constants retries enable_stream_response enterprise_project_id")
              .find(key) != std::string::npos);
  }
}

TEST_CASE("flow comparison: what the API shows back, defaults filled, is no change",
          "[deploy][flow]") {
  FlowProject p(k_v2_flow, false);
  const Json body = body_of(p);
  const Json shown = as_shown(body);
  REQUIRE(shown != body);
  CHECK(deploy::workflow_changes(body, shown).empty());

  SECTION("a changed state is named") {
    Json other = shown;
    other["states"][2]["action_mode"] = "parallel";
    CHECK(deploy::workflow_changes(body, other) == std::vector<std::string>{"states.charge"});
  }
  SECTION("a state the remote lacks, and one only the remote has") {
    Json other = shown;
    other["states"][1]["id"] = "snooze";
    CHECK(deploy::workflow_changes(body, other) ==
          std::vector<std::string>{"states.nap", "states.snooze"});
  }
  SECTION("top-level fields by name") {
    Json other = shown;
    other["constants"]["currency"] = "USD";
    other["retries"][1]["max_attempts"] = 4;
    other["mode"] = "EXPRESS";
    CHECK(deploy::workflow_changes(body, other) ==
          std::vector<std::string>{"constants", "mode", "retries"});
  }
  SECTION("another function URN") {
    Json other = shown;
    other["functions"][1]["operation"] = local_urn("notify");
    CHECK(deploy::workflow_changes(body, other) == std::vector<std::string>{"functions"});
  }
}

TEST_CASE("flow refusal: a Switch, Parallel or Foreach is named with where its type is",
          "[deploy][flow]") {
  FlowProject ok(k_v2_flow, false);
  REQUIRE(ok.errors().empty());
  CHECK(deploy::refuse_local_only(ok.flows.flows.at(0)).has_value());

  FlowProject rich(fstage::test::k_rich_flow, false, "rich");
  REQUIRE(rich.errors().empty());
  const auto& def = rich.flows.flows.at(0);
  auto refused = deploy::refuse_local_only(def);
  REQUIRE_FALSE(refused.has_value());
  const auto& e = refused.error();
  CHECK(e.code == fstage::ErrorCode::invalid_input);
  const auto* route = def.find_state("route");
  REQUIRE(route != nullptr);
  CHECK(e.message.rfind(route->type_where.str() + ": flow 'rich': state 'route' is a Switch", 0) ==
        0);
  CHECK(route->type_where.file.find("rich.json") != std::string::npos);
  CHECK(route->type_where.line > 1);
  CHECK(e.message.find("Operation, Sleep and End") != std::string::npos);
}

TEST_CASE("deploy state: the flows fstage deployed, kept across a save and a load",
          "[deploy][flow]") {
  fstage::test::Scratch dir;
  const auto file = dir.path() / ".fstage" / "deploy-state.json";
  auto state = deploy::DeployState::load(file);
  CHECK(state.flows().empty());
  state.add_trigger("urn:fn", "t1");
  state.set_flow("urn:wf:a", "id-a");
  state.set_flow("urn:wf:b", "id-b");
  state.forget_flow("urn:wf:a");
  REQUIRE(state.save().has_value());
  auto again = deploy::DeployState::load(file);
  CHECK(again.problem().empty());
  CHECK(again.flows() == std::map<std::string, std::string>{{"urn:wf:b", "id-b"}});
  CHECK(again.triggers("urn:fn") == std::set<std::string>{"t1"});
}

TEST_CASE("flow refusal: an action with invoke_mode callback is named with its state",
          "[deploy][flow]") {
  std::string text = k_v2_flow;
  const std::string plain = R"({"ref_name": "bill"})";
  const auto at = text.find(plain);
  REQUIRE(at != std::string::npos);
  text.replace(at, plain.size(), R"({"ref_name": "bill", "invoke_mode": "callback"})");
  FlowProject p(text, false);
  REQUIRE(p.errors().empty());
  const auto& def = p.flows.flows.at(0);
  CHECK(def.find_state("charge")->actions.at(0).invoke_mode == "callback");
  auto refused = deploy::refuse_local_only(def);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find(": state 'charge' calls 'bill' with invoke_mode callback") !=
        std::string::npos);
  CHECK(refused.error().hint.find("invoke_mode synchronize") != std::string::npos);
}
