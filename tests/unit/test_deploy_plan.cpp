// SPDX-License-Identifier: Apache-2.0
// The deploy plan: pure diffs between the manifest + artifact and a remote snapshot.
#include <algorithm>

#include <catch2/catch.hpp>

#include <fstage/deploy/mask.hpp>
#include <fstage/deploy/plan.hpp>

using namespace fstage;
using namespace fstage::deploy;

namespace {

DesiredFunction want_fn() {
  DesiredFunction d;
  d.name = "orders";
  d.digest = "aaaa";
  d.artifact_bytes = 100;
  d.config = {{"func_name", "orders"},        {"package", "default"}, {"runtime", "Python3.10"},
              {"handler", "index.handler"},   {"memory_size", 256},   {"timeout", 10},
              {"user_data", "{\"A\":\"1\"}"}, {"description", ""},    {"initializer_handler", ""},
              {"initializer_timeout", 0}};
  return d;
}

// The remote config that matches want_fn(), as the API would return it.
Json remote_fn() {
  return {{"func_name", "orders"},           {"package", "default"}, {"runtime", "Python3.10"},
          {"handler", "index.handler"},      {"memory_size", 256},   {"timeout", 10},
          {"user_data", "{ \"A\": \"1\" }"}, {"digest", "aaaa"},     {"xrole", "agency"},
          {"initializer_timeout", 30}};
}

std::vector<Step> steps(const Plan& p) {
  std::vector<Step> out;
  for (const auto& a : p.actions) {
    out.push_back(a.step);
  }
  return out;
}

Json timer(const std::string& id, const std::string& name, const std::string& status = "ACTIVE") {
  return {{"trigger_id", id},
          {"trigger_type_code", "TIMER"},
          {"trigger_status", status},
          {"event_data", {{"name", name}, {"schedule_type", "Rate"}, {"schedule", "5m"}}}};
}

DesiredTrigger want_timer(const std::string& name) {
  DesiredTrigger t;
  t.type = "TIMER";
  t.event_data = {{"name", name}, {"schedule_type", "Rate"}, {"schedule", "5m"}};
  t.label = "TIMER Rate 5m";
  return t;
}

}  // namespace

TEST_CASE("deploy::make_plan creates an absent function with its code", "[deploy][plan]") {
  auto p = make_plan(want_fn(), RemoteState{}, {}, {}, {}).value();
  REQUIRE(steps(p) == std::vector<Step>{Step::create_function});
  CHECK(p.actions[0].body["code_type"] == "zip");
  CHECK_FALSE(p.exists);
  CHECK(render_plan(p).find("orders (new):") == 0);
}

TEST_CASE("deploy::make_plan is empty when nothing differs", "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  auto p = make_plan(want_fn(), r, {}, {}, {}).value();
  CHECK(p.empty());
  CHECK(render_plan(p) == "orders: up to date, nothing to change\n");
}

TEST_CASE("deploy::make_plan uploads code only when the digest differs", "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  (*r.config)["digest"] = "bbbb";
  auto p = make_plan(want_fn(), r, {}, {}, {}).value();
  CHECK(steps(p) == std::vector<Step>{Step::update_code});
}

TEST_CASE("deploy::make_plan updates configuration only for changed fields", "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  (*r.config)["memory_size"] = 128;
  auto p = make_plan(want_fn(), r, {}, {}, {}).value();
  REQUIRE(steps(p) == std::vector<Step>{Step::update_config});
  REQUIRE(p.actions[0].changes.size() == 1);
  CHECK(p.actions[0].changes[0].field == "memory_size");
  CHECK(p.actions[0].changes[0].from == "128");
  CHECK(p.actions[0].changes[0].to == "256");
  SECTION("the body keeps remote-only fields and sends the managed ones") {
    const Json& body = p.actions[0].body;
    CHECK(body["xrole"] == "agency");
    CHECK(body["memory_size"] == 256);
    CHECK(body["func_name"] == "orders");
    CHECK_FALSE(body.contains("package"));
  }
}

TEST_CASE("deploy::config_changes compares user_data as JSON and ignores idle fields",
          "[deploy][plan]") {
  Json want = want_fn().config;
  Json remote = remote_fn();
  CHECK(config_changes(want, remote).empty());
  remote["user_data"] = "{\"A\":\"2\"}";
  auto c = config_changes(want, remote);
  REQUIRE(c.size() == 1);
  CHECK(c[0].field == "user_data.A");
  CHECK(c[0].secret);
  SECTION("initializer_timeout counts once an initializer is set") {
    want["initializer_handler"] = "index.init";
    want["initializer_timeout"] = 3;
    remote["initializer_handler"] = "index.init";
    remote["user_data"] = want["user_data"];
    auto c2 = config_changes(want, remote);
    REQUIRE(c2.size() == 1);
    CHECK(c2[0].field == "initializer_timeout");
  }
}

TEST_CASE("deploy::make_plan publishes unless the newest version has this content",
          "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  PublishRequest pub{true, ""};
  SECTION("no versions yet") {
    CHECK(steps(make_plan(want_fn(), r, {}, pub, {}).value()) ==
          std::vector<Step>{Step::publish_version});
  }
  SECTION("the newest version matches: nothing to do") {
    Json v = remote_fn();
    v["version"] = "v1";
    r.versions = {remote_fn(), v};
    r.versions[0]["version"] = "latest";
    CHECK(make_plan(want_fn(), r, {}, pub, {}).value().empty());
  }
  SECTION("a named version with other content is refused") {
    Json v = remote_fn();
    v["version"] = "v1";
    v["digest"] = "old";
    r.versions = {v};
    auto p = make_plan(want_fn(), r, {}, PublishRequest{true, "v1"}, {});
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == ErrorCode::already_exists);
  }
}

TEST_CASE("deploy::make_plan creates, moves or keeps the alias", "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  Json v = remote_fn();
  v["version"] = "v1";
  r.versions = {v};
  AliasRequest alias{true, "prod", "", {}};
  SECTION("absent: created on the newest version") {
    auto p = make_plan(want_fn(), r, {}, {}, alias).value();
    REQUIRE(steps(p) == std::vector<Step>{Step::create_alias});
    CHECK(p.actions[0].body["version"] == "v1");
  }
  SECTION("already there: nothing") {
    r.alias =
        Json{{"name", "prod"}, {"version", "v1"}, {"additional_version_weights", Json::object()}};
    CHECK(make_plan(want_fn(), r, {}, {}, alias).value().empty());
  }
  SECTION("publishing moves it to the new version") {
    r.alias = Json{{"name", "prod"}, {"version", "v1"}};
    DesiredFunction changed = want_fn();
    changed.digest = "bbbb";
    auto p = make_plan(changed, r, {}, PublishRequest{true, ""}, alias).value();
    REQUIRE(steps(p) ==
            std::vector<Step>{Step::update_code, Step::publish_version, Step::update_alias});
    CHECK(p.actions[2].body["version"] == std::string(k_published_now));
  }
  SECTION("no version anywhere is a usage error") {
    r.versions.clear();
    auto p = make_plan(want_fn(), r, {}, {}, alias);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == ErrorCode::usage);
  }
}

TEST_CASE("deploy::make_plan reconciles triggers, removing only its own", "[deploy][plan]") {
  DesiredFunction want = want_fn();
  want.triggers = {want_timer("fstage_keep")};
  RemoteState r;
  r.config = remote_fn();
  SECTION("missing -> created") {
    auto p = make_plan(want, r, {}, {}, {}).value();
    CHECK(steps(p) == std::vector<Step>{Step::create_trigger});
  }
  SECTION("matching -> nothing; status differs -> update") {
    r.triggers = {timer("t1", "fstage_keep")};
    CHECK(make_plan(want, r, {}, {}, {}).value().empty());
    want.triggers[0].status = "DISABLED";
    CHECK(steps(make_plan(want, r, {}, {}, {}).value()) == std::vector<Step>{Step::update_trigger});
  }
  SECTION("dropped: deleted when fstage made it (by state or name), else left alone") {
    want.triggers.clear();
    r.triggers = {timer("t1", "fstage_old"), timer("t2", "console"), timer("t3", "recorded")};
    auto p = make_plan(want, r, {"t3"}, {}, {}).value();
    REQUIRE(steps(p) == std::vector<Step>{Step::delete_trigger, Step::delete_trigger});
    CHECK(p.actions[0].trigger_id == "t1");
    CHECK(p.actions[1].trigger_id == "t3");
    CHECK(std::count_if(p.notes.begin(), p.notes.end(), [](const std::string& n) {
            return n.find("console") != std::string::npos &&
                   n.find("left alone") != std::string::npos;
          }) == 1);
  }
  SECTION("changed: the old one deleted before the new one is created") {
    r.triggers = {timer("t1", "fstage_old")};
    CHECK(steps(make_plan(want, r, {}, {}, {}).value()) ==
          std::vector<Step>{Step::delete_trigger, Step::create_trigger});
  }
}

TEST_CASE("deploy::desired_trigger maps manifest fields to the API's event_data",
          "[deploy][plan]") {
  manifest::Trigger t;
  t.type = "TIMER";
  t.fields = {{"type", "TIMER"}, {"schedule", "5m"}, {"schedule_type", "Rate"}, {"enabled", false}};
  auto d = desired_trigger(t).value();
  CHECK(d.status == "DISABLED");
  CHECK(d.event_data["schedule"] == "5m");
  const std::string name = d.event_data["name"];
  CHECK(name.starts_with(k_trigger_name_prefix));
  SECTION("the name is a function of the content") {
    CHECK(desired_trigger(t).value().event_data["name"] == name);
    t.fields["schedule"] = "10m";
    CHECK(desired_trigger(t).value().event_data["name"] != name);
  }
  SECTION("APIG and KAFKA use the API's field names") {
    manifest::Trigger a;
    a.type = "APIG";
    a.fields = {{"path", "/orders"}, {"method", "POST"}, {"auth", "NONE"}, {"timeout", 5000}};
    auto ad = desired_trigger(a).value();
    CHECK(ad.event_data["req_method"] == "POST");
    CHECK(ad.event_data["func_info"]["timeout"] == 5000);
    CHECK_FALSE(ad.event_data.contains("group_id"));
    a.fields["group_id"] = "g-123";
    CHECK(desired_trigger(a).value().event_data["group_id"] == "g-123");
    manifest::Trigger k;
    k.type = "KAFKA";
    k.fields = {{"instance_id", "i"}, {"topic", "t"}, {"batch_size", 10}};
    CHECK(desired_trigger(k).value().event_data["topic_ids"] == Json::array({"t"}));
    CHECK_FALSE(desired_trigger(k).value().event_data.contains("name"));
  }
}

TEST_CASE("deploy::render_plan and plan_to_json hide environment values unless asked",
          "[deploy][plan]") {
  RemoteState r;
  r.config = remote_fn();
  (*r.config)["user_data"] = "{\"A\":\"old-secret-1\",\"GONE\":\"old-secret-2\"}";
  auto want = want_fn();
  want.config["user_data"] = "{\"A\":\"new-secret-3\",\"NEW\":\"new-secret-4\"}";
  auto p = make_plan(want, r, {}, {}, {});
  REQUIRE(p);
  const std::string text = render_plan(*p);
  const std::string json = plan_to_json(*p).dump();
  for (const char* secret : {"old-secret-1", "old-secret-2", "new-secret-3", "new-secret-4"}) {
    CHECK(text.find(secret) == std::string::npos);
    CHECK(json.find(secret) == std::string::npos);
  }
  CHECK(text.find("user_data.A: changed (value hidden)") != std::string::npos);
  CHECK(text.find("user_data.GONE: removed (value hidden)") != std::string::npos);
  CHECK(text.find("user_data.NEW: added (value hidden)") != std::string::npos);
  CHECK(json.find("\"masked\":true") != std::string::npos);
  const std::string shown = render_plan(*p, true);
  CHECK(shown.find("user_data.A: old-secret-1 -> new-secret-3") != std::string::npos);
  CHECK(plan_to_json(*p, true).dump().find("new-secret-4") != std::string::npos);
}

TEST_CASE("deploy::mask_environment keeps keys and hides values", "[deploy][plan]") {
  Json c = {{"func_name", "f"},
            {"user_data", "{\"DB_PASSWORD\":\"hunter2-xyz\",\"N\":3}"},
            {"encrypted_user_data", "not json: s3cr3t"}};
  const Json m = mask_environment(c);
  CHECK(m["func_name"] == "f");
  CHECK(m["user_data"] == "{\"DB_PASSWORD\":\"****\",\"N\":\"****\"}");
  CHECK(m["encrypted_user_data"] == "****");
  CHECK(mask_environment(Json{{"user_data", ""}})["user_data"] == "");
}
