// SPDX-License-Identifier: Apache-2.0
// Dependency packages in the deploy plan (pure), and the naming/linking rules.
#include <catch2/catch.hpp>

#include <fstage/deploy/dependencies.hpp>
#include <fstage/deploy/plan.hpp>

using namespace fstage;
using namespace fstage::deploy;

namespace {

DesiredFunction want_fn(std::vector<ResolvedDependency> deps) {
  DesiredFunction d;
  d.name = "orders";
  d.digest = "aaaa";
  d.artifact_bytes = 100;
  d.config = {{"func_name", "orders"},      {"package", "default"}, {"runtime", "Python3.10"},
              {"handler", "index.handler"}, {"memory_size", 256},   {"timeout", 10}};
  REQUIRE(link_dependencies(d, deps).has_value());
  return d;
}

ResolvedDependency dep(const std::string& name, long version) {
  return {name, name + "-v" + std::to_string(version), version, false, false};
}

// The remote config as the API returns it, linking these versions.
Json remote_fn(const std::vector<ResolvedDependency>& deps) {
  Json r = {{"func_name", "orders"},   {"package", "default"},
            {"runtime", "Python3.10"}, {"handler", "index.handler"},
            {"memory_size", 256},      {"timeout", 10},
            {"digest", "aaaa"}};
  r["depend_version_list"] = Json::array();
  r["dependencies"] = Json::array();
  for (const auto& d : deps) {
    r["depend_version_list"].push_back(d.version_id);
    r["dependencies"].push_back({{"id", d.version_id}, {"name", d.name}, {"version", d.version}});
  }
  return r;
}

Plan plan(const DesiredFunction& want, const Json& remote) {
  RemoteState have;
  have.config = remote;
  return make_plan(want, have, {}, {}, {}).value();
}

}  // namespace

TEST_CASE("deploy::make_plan updates code when only the dependencies changed",
          "[deploy][plan][dependencies]") {
  auto p = plan(want_fn({dep("numpy", 2), dep("utils", 1)}),
                remote_fn({dep("numpy", 1), dep("utils", 1)}));
  REQUIRE(p.actions.size() == 1);
  const Action& a = p.actions[0];
  CHECK(a.step == Step::update_code);
  CHECK(a.summary.find("dependencies changed") != std::string::npos);
  REQUIRE(a.changes.size() == 1);
  CHECK(a.changes[0].field == "dependencies");
  CHECK(a.changes[0].from == "numpy@1, utils@1");
  CHECK(a.changes[0].to == "numpy@2, utils@1");
  CHECK(render_plan(p).find("dependencies: numpy@1, utils@1 -> numpy@2, utils@1") !=
        std::string::npos);
}

TEST_CASE("deploy::make_plan leaves equal dependency sets alone, in any order",
          "[deploy][plan][dependencies]") {
  CHECK(plan(want_fn({dep("a", 1), dep("b", 2)}), remote_fn({dep("b", 2), dep("a", 1)})).empty());
  SECTION("unmanaged (nullopt) never differs, even from remote links") {
    DesiredFunction w = want_fn({});
    w.depend_version_list.reset();
    CHECK(plan(w, remote_fn({dep("a", 1)})).empty());
  }
  SECTION("an empty managed list removes the remote links") {
    auto p = plan(want_fn({}), remote_fn({dep("a", 1)}));
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].changes[0].from == "a@1");
    CHECK(p.actions[0].changes[0].to == "(none)");
  }
}

TEST_CASE("deploy::make_plan puts code and dependency changes in one update",
          "[deploy][plan][dependencies]") {
  DesiredFunction w = want_fn({dep("a", 2)});
  w.digest = "bbbb";
  auto p = plan(w, remote_fn({dep("a", 1)}));
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].step == Step::update_code);
  REQUIRE(p.actions[0].changes.size() == 2);
  CHECK(p.actions[0].changes[0].field == "digest");
  CHECK(p.actions[0].changes[1].field == "dependencies");
}

TEST_CASE("deploy::make_plan sends depend_version_list with a create",
          "[deploy][plan][dependencies]") {
  auto p = make_plan(want_fn({dep("a", 1), dep("b", 3)}), RemoteState{}, {}, {}, {}).value();
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].body["depend_version_list"] == Json({"a-v1", "b-v3"}));
  CHECK(p.actions[0].changes.at(0).to == "a@1, b@3");
  auto none = make_plan(want_fn({}), RemoteState{}, {}, {}, {}).value();
  CHECK_FALSE(none.actions[0].body.contains("depend_version_list"));
}

TEST_CASE("deploy::make_plan shows a dry run's pending dependency as a new version",
          "[deploy][plan][dependencies]") {
  ResolvedDependency pending{"numpy", "", 0, false, true};
  auto p = plan(want_fn({pending}), remote_fn({dep("numpy", 1)}));
  REQUIRE(p.actions.size() == 1);
  CHECK(render_plan(p).find("dependencies: numpy@1 -> numpy@(new version)") != std::string::npos);
}

TEST_CASE("deploy::make_plan publishes when only the dependencies differ from the newest version",
          "[deploy][plan][dependencies]") {
  RemoteState have;
  have.config = remote_fn({dep("a", 2)});
  Json v1 = remote_fn({dep("a", 1)});
  v1["version"] = "v1";
  have.versions = {remote_fn({dep("a", 2)}), v1};
  have.versions[0]["version"] = "latest";
  PublishRequest publish{true, ""};
  auto p = make_plan(want_fn({dep("a", 2)}), have, {}, publish, {}).value();
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].step == Step::publish_version);
  have.versions[1] = remote_fn({dep("a", 2)});
  have.versions[1]["version"] = "v1";
  CHECK(make_plan(want_fn({dep("a", 2)}), have, {}, publish, {}).value().empty());
}

TEST_CASE("deploy::link_dependencies keeps order, caps at 20, refuses a name twice",
          "[deploy][dependencies]") {
  DesiredFunction w;
  w.name = "f";
  REQUIRE(link_dependencies(w, {dep("b", 1), dep("a", 4)}).has_value());
  CHECK(*w.depend_version_list == std::vector<std::string>{"b-v1", "a-v4"});
  CHECK(w.dependency_labels.at("a-v4") == "a@4");
  std::vector<ResolvedDependency> many;
  for (int i = 0; i < 21; ++i) {
    many.push_back(dep("d" + std::to_string(i), 1));
  }
  CHECK(link_dependencies(w, many).error().code == ErrorCode::limit);
  many.resize(20);
  CHECK(link_dependencies(w, many).has_value());
  CHECK(link_dependencies(w, {dep("a", 1), dep("a", 2)}).error().code == ErrorCode::invalid_input);
}

TEST_CASE("deploy::valid_dependency_name follows the API's pattern", "[deploy][dependencies]") {
  CHECK(valid_dependency_name("numpy"));
  CHECK(valid_dependency_name("my_lib.v2-x9"));
  CHECK(valid_dependency_name("a"));
  CHECK(valid_dependency_name(std::string(96, 'a')));
  CHECK_FALSE(valid_dependency_name(std::string(97, 'a')));
  CHECK_FALSE(valid_dependency_name(""));
  CHECK_FALSE(valid_dependency_name("1lib"));
  CHECK_FALSE(valid_dependency_name("lib-"));
  CHECK_FALSE(valid_dependency_name("my lib"));
  CHECK_FALSE(valid_dependency_name("lib/x"));
}
