// SPDX-License-Identifier: Apache-2.0
// A flow's triggers in serve: APIG becomes a route naming the flow, FLOWTIMER a timer whose
// event is the trigger's input; disabled and non-local triggers are not served.
#include <sstream>

#include <catch2/catch.hpp>

#include <fstage/serve/flows.hpp>

using namespace fstage;
using namespace fstage::serve;

namespace {

flow::FlowTrigger trigger(std::string name, std::string type, const char* config,
                          bool enabled = true) {
  flow::FlowTrigger t;
  t.name = std::move(name);
  t.type = std::move(type);
  t.enabled = enabled;
  t.config = OrderedJson::parse(config);
  return t;
}

}  // namespace

TEST_CASE("serve flows: APIG and FLOWTIMER triggers become routes and timers", "[serve][flow]") {
  flow::Definition d;
  d.name = "orders";
  d.triggers.push_back(trigger("http", "APIG", R"({"path":"/orders/{id}","method":"POST"})"));
  d.triggers.push_back(trigger("off", "APIG", R"({"path":"/off"})", false));
  d.triggers.push_back(trigger("tick", "FLOWTIMER", R"({"schedule":"@every 2s","input":{"n":1}})"));
  d.triggers.push_back(trigger("", "FLOWTIMER", R"({"schedule":"3m","input":"{\"s\":\"x\"}"})"));
  d.triggers.push_back(trigger("bad", "FLOWTIMER", R"({"schedule":"every now and then"})"));
  d.triggers.push_back(trigger("topic", "SMN", "{}"));
  std::ostringstream out;
  Logger log(out, false, false);
  Router router;
  std::vector<TimerSpec> timers;
  add_flow_triggers({d}, router, timers, log);

  REQUIRE(router.routes().size() == 1);
  const Route& r = router.routes()[0];
  CHECK(r.flow == "orders");
  CHECK(r.function.empty());
  CHECK(r.method == "POST");
  CHECK(r.path == "/orders/{id}");
  auto m = router.match("POST", "/orders/7");
  REQUIRE(m);
  CHECK(m->route->flow == "orders");
  CHECK(m->path_parameters.at("id") == "7");

  REQUIRE(timers.size() == 2);
  CHECK(timers[0].flow == "orders");
  CHECK(timers[0].name == "tick");
  CHECK(OrderedJson::parse(timers[0].user_event) == OrderedJson::parse(R"({"n":1})"));
  CHECK(timers[1].name == "orders-timer2");
  CHECK(OrderedJson::parse(timers[1].user_event) == OrderedJson::parse(R"({"s":"x"})"));
  std::string logged = out.str();
  CHECK(logged.find("'every now and then' not scheduled") != std::string::npos);
  CHECK(logged.find("SMN trigger 'topic' does not fire locally") != std::string::npos);
}
