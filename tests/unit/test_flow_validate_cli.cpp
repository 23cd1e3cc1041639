// SPDX-License-Identifier: Apache-2.0
// `fstage flow validate`, `fstage flow list`, `fstage validate` with flows, and flow names in
// completion, run in-process.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "test_flow_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::write_text;

namespace {

// A project with a valid flow "orders" in a file and a broken inline flow "broken".
struct Project {
  fstage::test::Scratch s;
  Project() {
    write_text(s.path() / "fstage.yaml",
               fstage::test::k_flow_manifest_head +
                   "flows:\n"                                     // 6
                   "  orders: {definition: flows/orders.json}\n"  // 7
                   "  broken:\n"                                  // 8
                   "    start: a\n"                               // 9
                   "    states:\n"                                // 10
                   "      - {id: a, type: Sleep, end: true}\n");  // 11
    write_text(s.path() / "flows/orders.json", fstage::test::k_rich_flow);
    write_text(s.path() / "index.py", "def handler(event, context):\n    return {}\n");
  }
};

}  // namespace

TEST_CASE("flow validate prints each problem at file:line:column and exits 3", "[flow][cli]") {
  Project p;
  CliRun all({"flow", "validate"}, p.s.path());
  CHECK(all.code == fstage::cli::k_exit_invalid_input);
  CHECK(has(all.err,
            "fstage.yaml:11:9: states[0]: a Sleep state needs a duration; expected "
            "duration: whole seconds from 0 to 86400"));

  CliRun one({"flow", "validate", "orders"}, p.s.path());
  INFO(one.err.str());
  CHECK(one.code == 0);
  CHECK(one.err.str() == "flow orders: ok (7 states, 3 functions)\n");

  CliRun bad({"flow", "validate", "broken", "--json"}, p.s.path());
  CHECK(bad.code == fstage::cli::k_exit_invalid_input);
  auto j = fstage::parse_ordered_json(bad.out.str(), "stdout");
  REQUIRE(j);
  CHECK((*j)["valid"] == false);
  REQUIRE((*j)["errors"].size() == 1);
  CHECK((*j)["errors"].at(0)["file"] == "fstage.yaml");
  CHECK((*j)["errors"].at(0)["line"] == 11);
  CHECK((*j)["errors"].at(0)["column"] == 9);
  CHECK((*j)["flows"].at(0)["name"] == "broken");
  CHECK((*j)["flows"].at(0)["valid"] == false);
}

TEST_CASE("flow validate --json answers a broken manifest in the same shape", "[flow][cli]") {
  Project p;
  write_text(p.s.path() / "fstage.yaml", fstage::test::k_flow_manifest_head +
                                             "flows:\n  orders: {definition: flows/gone.json}\n");
  CliRun r({"flow", "validate", "--json"}, p.s.path());
  CHECK(r.code == fstage::cli::k_exit_invalid_input);
  auto j = fstage::parse_ordered_json(r.out.str(), "stdout");
  REQUIRE(j);
  CHECK((*j)["valid"] == false);
  REQUIRE((*j)["errors"].size() == 1);
  CHECK((*j)["errors"].at(0)["line"] == 7);
  CHECK((*j)["errors"].at(0)["column"] == 24);
  CHECK((*j)["flows"].empty());
}

TEST_CASE("flow validate names an unknown flow with exit 4 and a suggestion", "[flow][cli]") {
  Project p;
  CliRun r({"flow", "validate", "ordres"}, p.s.path());
  CHECK(r.code == fstage::cli::k_exit_not_found);
  CHECK(has(r.err, "no flow 'ordres' in fstage.yaml; did you mean 'orders'?"));
  CHECK(has(r.err, "flows: orders, broken"));
}

TEST_CASE("flow list shows each flow's mode, size and definition", "[flow][cli]") {
  Project p;
  CliRun r({"flow", "list"}, p.s.path());
  INFO(r.out.str() << r.err.str());
  CHECK(r.code == 0);
  CHECK(has(r.out, "NAME    MODE     STATES  FUNCTIONS  DEFINITION\n"));
  CHECK(has(r.out, "orders  EXPRESS  7       3          flows/orders.json\n"));
  CHECK(has(r.out, "broken  -        -       -          inline (invalid: 1 error)\n"));
  CliRun j({"flow", "list", "--json"}, p.s.path());
  auto v = fstage::parse_ordered_json(j.out.str(), "stdout");
  REQUIRE(v);
  REQUIRE(v->size() == 2);
  CHECK(v->at(0)["states"] == 7);
  CHECK(v->at(0)["mode"] == "EXPRESS");
  CHECK(v->at(1)["valid"] == false);
  CHECK(v->at(1)["mode"].is_null());
}

TEST_CASE("fstage validate checks the flows too", "[flow][cli]") {
  Project p;
  CliRun r({"validate"}, p.s.path());
  CHECK(r.code == fstage::cli::k_exit_invalid_input);
  CHECK(has(r.err, "fstage.yaml:11:9: states[0]: a Sleep state needs a duration"));
  CliRun j({"validate", "--json"}, p.s.path());
  auto v = fstage::parse_ordered_json(j.out.str(), "stdout");
  REQUIRE(v);
  CHECK((*v)["flows"] == fstage::OrderedJson::parse(R"(["orders", "broken"])"));
  CHECK((*v)["errors"].size() == 1);

  write_text(p.s.path() / "fstage.yaml", fstage::test::k_flow_manifest_head +
                                             "flows:\n  orders: {definition: flows/orders.json}\n");
  CliRun ok({"validate"}, p.s.path());
  CHECK(ok.code == 0);
  CHECK(ok.err.str() == "fstage.yaml: ok (3 functions, 1 flow)\n");
}

TEST_CASE("flow names complete where a FLOW is expected", "[flow][cli]") {
  Project p;
  CliRun names({"__complete", "flows"}, p.s.path());
  CHECK(names.out.str() == "orders\nbroken\n");
  CliRun bash({"completion", "bash"}, p.s.path());
  CHECK(has(bash.out, "dynamic:flows"));
  CliRun fish({"completion", "fish"}, p.s.path());
  CHECK(has(fish.out, "__complete flows"));
}
