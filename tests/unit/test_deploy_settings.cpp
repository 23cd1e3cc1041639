// SPDX-License-Identifier: Apache-2.0
// Function settings in the deploy plan: each through its own API, only when it differs; a
// dropped setting reset; encrypted values compared by digest and never shown.
#include <algorithm>

#include <catch2/catch.hpp>

#include <fstage/deploy/plan.hpp>

using namespace fstage;
using namespace fstage::deploy;

namespace {

DesiredFunction want_fn() {
  DesiredFunction d;
  d.name = "orders";
  d.digest = "aaaa";
  d.config = {{"func_name", "orders"},     {"package", "default"},
              {"runtime", "Python3.10"},   {"handler", "index.handler"},
              {"memory_size", 256},        {"timeout", 10},
              {"user_data", ""},           {"description", ""},
              {"initializer_handler", ""}, {"initializer_timeout", 0}};
  return d;
}

Json remote_fn() {
  return {{"func_name", "orders"},
          {"runtime", "Python3.10"},
          {"handler", "index.handler"},
          {"memory_size", 256},
          {"timeout", 10},
          {"digest", "aaaa"},
          {"xrole", ""},
          {"strategy_config", {{"concurrency", -1}}},
          {"reserved_instance_count", 0},
          {"log_group_id", "g-0"},
          {"log_stream_id", "s-0"}};
}

Plan plan(const DesiredFunction& w, const Json& remote, const RemoteSettings& rs = {},
          const SettingsRecord& rec = {}) {
  RemoteState r;
  r.config = remote;
  DesiredFunction with = with_resets(w, rec);
  Plan p = make_plan(with, r, {}, {}, {}).value();
  plan_settings(p, with, r.config, rs, rec);
  return p;
}

std::vector<Step> steps(const Plan& p) {
  std::vector<Step> out;
  for (const auto& a : p.actions) {
    out.push_back(a.step);
  }
  return out;
}

}  // namespace

TEST_CASE("deploy settings: a VPC and its agency are one configuration update",
          "[deploy][settings]") {
  DesiredFunction w = want_fn();
  w.config["xrole"] = "fgs_vpc";
  w.config["func_vpc"] = {{"vpc_id", "v-1"}, {"subnet_id", "s-1"}};
  w.settings.written = {"xrole", "func_vpc"};
  Plan p = plan(w, remote_fn());
  REQUIRE(steps(p) == std::vector<Step>{Step::update_config});
  CHECK(p.actions[0].changes.size() == 2);
  CHECK(p.actions[0].body["func_vpc"]["vpc_id"] == "v-1");
  CHECK(p.actions[0].body["strategy_config"] == Json{{"concurrency", -1}});  // kept
  // the remote adds names and a CIDR: still equal
  Json r = remote_fn();
  r["xrole"] = "fgs_vpc";
  r["func_vpc"] = {{"vpc_id", "v-1"}, {"subnet_id", "s-1"}, {"vpc_name", "x"}, {"cidr", "a"}};
  CHECK(plan(w, r).empty());
}

TEST_CASE("deploy settings: concurrency, pre-stop and log group compared field by field",
          "[deploy][settings]") {
  DesiredFunction w = want_fn();
  w.config["strategy_config"] = {{"concurrency", 50}};
  w.config["pre_stop_handler"] = "index.stop";
  w.config["pre_stop_timeout"] = 10;
  w.config["log_config"] = {{"group_id", "g-0"}, {"stream_id", "s-1"}};
  Plan p = plan(w, remote_fn());
  REQUIRE(steps(p) == std::vector<Step>{Step::update_config});
  std::vector<std::string> fields;
  for (const auto& c : p.actions[0].changes) {
    fields.push_back(c.field);
  }
  CHECK(fields == std::vector<std::string>{"strategy_config.concurrency", "pre_stop_handler",
                                           "pre_stop_timeout", "log_config.stream_id"});
  Json r = remote_fn();
  r["strategy_config"] = {{"concurrency", 50}, {"concurrent_num", 1}};
  r["pre_stop_handler"] = "index.stop";
  r["pre_stop_timeout"] = 10;
  r["log_config"] = {{"group_id", "g-0"}, {"stream_id", "s-1"}};
  CHECK(plan(w, r).empty());
}

TEST_CASE("deploy settings: reserved instances, async configuration and tags through their APIs",
          "[deploy][settings]") {
  DesiredFunction w = want_fn();
  w.settings.written = {"reserved_instances", "async_invoke", "tags"};
  w.settings.reserved_instances = 2;
  w.settings.async_invoke = {{"max_async_event_age_in_seconds", 3600},
                             {"max_async_retry_attempts", 2},
                             {"enable_async_status_log", false},
                             {"destination_config", Json::object()}};
  w.settings.tags = {{"team", "pay"}, {"env", "dev"}};
  RemoteSettings rs;
  rs.tags = std::map<std::string, std::string>{{"team", "old"}, {"console", "x"}};
  Plan p = plan(w, remote_fn(), rs);
  CHECK(steps(p) == std::vector<Step>{Step::update_reserved_instances, Step::put_async_config,
                                      Step::delete_tags, Step::create_tags});
  CHECK(p.actions[0].body == Json{{"count", 2}});
  CHECK(p.actions[1].changes.size() == 3);  // a new configuration: age, retries, status log
  CHECK(p.actions[2].body["tags"] == Json::array({{{"key", "team"}, {"value", "old"}}}));
  CHECK(p.actions[3].summary == "add tags env=dev, team=pay");
  CHECK(std::find(p.notes.begin(), p.notes.end(),
                  "tag console was not set by fstage: left alone") != p.notes.end());
  // all equal: nothing to do
  Json r = remote_fn();
  r["reserved_instance_count"] = 2;
  rs.async_invoke = w.settings.async_invoke;
  (*rs.async_invoke)["func_urn"] = "urn:...";
  rs.tags = std::map<std::string, std::string>{{"team", "pay"}, {"env", "dev"}, {"console", "x"}};
  CHECK(plan(w, r, rs).empty());
}

TEST_CASE("deploy settings: a dropped setting is reset, one never written left alone",
          "[deploy][settings]") {
  Json r = remote_fn();
  r["xrole"] = "agency";
  r["func_vpc"] = {{"vpc_id", "v-1"}, {"subnet_id", "s-1"}};
  r["strategy_config"] = {{"concurrency", 5}, {"concurrent_num", 2}};
  r["reserved_instance_count"] = 3;
  RemoteSettings rs;
  rs.async_invoke = Json{{"max_async_retry_attempts", 0}};
  rs.tags = std::map<std::string, std::string>{{"team", "pay"}, {"console", "x"}};
  // never managed by fstage: nothing read changes anything
  CHECK(plan(want_fn(), r, rs).empty());
  SettingsRecord rec;
  rec.managed = {"xrole",        "func_vpc", "strategy_config", "reserved_instances",
                 "async_invoke", "tags"};
  rec.tag_keys = {"team"};
  Plan p = plan(want_fn(), r, rs, rec);
  // fewer reserved instances before the configuration lowers the limit
  REQUIRE(steps(p) == std::vector<Step>{Step::update_reserved_instances, Step::update_config,
                                        Step::delete_async_config, Step::delete_tags});
  const Json& body = p.actions[1].body;
  CHECK_FALSE(body.contains("func_vpc"));
  CHECK(body["xrole"] == "");
  CHECK(body["strategy_config"] == Json{{"concurrency", -1}, {"concurrent_num", 1}});
  CHECK(p.actions[3].body["tags"].size() == 1);
}

TEST_CASE("deploy settings: encrypted values compared by digest, never shown",
          "[deploy][settings]") {
  DesiredFunction w = want_fn();
  w.config["encrypted_user_data"] = R"({"PASSWORD":"hunter2"})";
  w.settings.written = {"encrypted_user_data"};
  w.settings.encrypted_digests = {{"PASSWORD", "d1"}};
  Plan p = plan(w, remote_fn());
  REQUIRE(steps(p) == std::vector<Step>{Step::update_config});
  CHECK(p.actions[0].body["encrypted_user_data"] == R"({"PASSWORD":"hunter2"})");
  const std::string text = render_plan(p, false) + render_plan(p, true) +
                           plan_to_json(p, false).dump() + plan_to_json(p, true).dump();
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(render_plan(p).find("encrypted_user_data.PASSWORD: added (value hidden)") !=
        std::string::npos);
  SettingsRecord rec;
  rec.managed = {"encrypted_user_data"};
  rec.encrypted_digests = {{"PASSWORD", "d1"}};
  CHECK(plan(w, remote_fn(), {}, rec).empty());
  rec.encrypted_digests = {{"PASSWORD", "d0"}, {"OLD", "d2"}};
  Plan changed = plan(w, remote_fn(), {}, rec);
  CHECK(render_plan(changed).find("encrypted_user_data.PASSWORD: changed (value hidden)") !=
        std::string::npos);
  CHECK(render_plan(changed).find("encrypted_user_data.OLD: removed (value hidden)") !=
        std::string::npos);
  // dropped: cleared
  Plan dropped = plan(want_fn(), remote_fn(), {}, rec);
  REQUIRE(steps(dropped) == std::vector<Step>{Step::update_config});
  CHECK(dropped.actions[0].body["encrypted_user_data"] == "");
}

TEST_CASE("deploy settings: a new function is created with its settings, then the rest",
          "[deploy][settings]") {
  DesiredFunction w = want_fn();
  w.config["strategy_config"] = {{"concurrency", 5}};
  w.config["xrole"] = "a";
  w.settings.written = {"strategy_config", "xrole", "reserved_instances", "tags"};
  w.settings.reserved_instances = 1;
  w.settings.tags = {{"team", "pay"}};
  DesiredFunction with = with_resets(w, {});
  Plan p = make_plan(with, RemoteState{}, {}, {}, {}).value();
  plan_settings(p, with, std::nullopt, {}, {});
  REQUIRE(steps(p) == std::vector<Step>{Step::create_function, Step::update_reserved_instances,
                                        Step::create_tags});
  CHECK_FALSE(p.actions[0].body.contains("strategy_config"));  // not a create field
  CHECK(p.actions[0].body["xrole"] == "a");
}
