// SPDX-License-Identifier: Apache-2.0
// `fstage init --flow`: the README's worked example as a project whose manifest, flow and test
// file all validate (the e2e test runs it; this needs no sandbox).
#include <filesystem>

#include <catch2/catch.hpp>

#include <fstage/flow/load.hpp>
#include <fstage/flow/testcase.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/scaffolds/init.hpp>

#include "test_support.hpp"

using namespace fstage;

TEST_CASE("scaffolds::init_project --flow writes the flow example, valid to its tests",
          "[flow][test][scaffolds]") {
  test::Scratch s;
  scaffolds::InitRequest req;
  req.dir = s.path() / "shop";
  req.flow = true;
  auto r = scaffolds::init_project(req);
  REQUIRE(r);
  CHECK(r->runtime == "Python3.10");
  CHECK(r->template_id == "flow");
  CHECK(r->warnings.empty());
  auto m = manifest::load_manifest(req.dir / "fstage.yaml");
  REQUIRE(m);
  CHECK(m->name == "shop");
  REQUIRE(m->functions.size() == 3);
  REQUIRE(m->flows.size() == 1);
  auto def = flow::load_flow(*m, "orders");
  if (!def) {
    for (const auto& d : def.error().details) {
      UNSCOPED_INFO(d);
    }
  }
  REQUIRE(def);
  const auto test_file = flow::test_file_path(*m, m->flows[0]);
  CHECK(test_file == req.dir / "flows/orders.test.yaml");
  auto tests = flow::load_test_file(test_file, "flows/orders.test.yaml", *def);
  REQUIRE(tests);
  CHECK(tests->cases.size() == 5);
  CHECK(std::filesystem::exists(req.dir / "order.json"));
}

TEST_CASE("scaffolds::init_project --flow takes a Python runtime, no template or trigger",
          "[flow][test][scaffolds]") {
  test::Scratch s;
  scaffolds::InitRequest req;
  req.dir = s.path() / "shop";
  req.flow = true;
  req.runtime = "python3.9";
  auto py39 = scaffolds::init_project(req);
  REQUIRE(py39);
  CHECK(py39->runtime == "Python3.9");
  req.dir = s.path() / "other";
  req.runtime = "nodejs18";
  auto node = scaffolds::init_project(req);
  REQUIRE_FALSE(node);
  CHECK(node.error().code == ErrorCode::usage);
  req.runtime.clear();
  req.trigger = "apig";
  CHECK(scaffolds::init_project(req).error().message == "--flow cannot be combined with --trigger");
  CHECK_FALSE(std::filesystem::exists(req.dir));
}
