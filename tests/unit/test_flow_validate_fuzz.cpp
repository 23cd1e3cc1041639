// SPDX-License-Identifier: Apache-2.0
// Truncated and mutated definitions never crash the loader: each gives diagnostics with a
// position, or a valid flow, never both and never neither.
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "test_flow_support.hpp"

using fstage::test::FlowProject;

namespace {

void check_outcome(const fstage::manifest::Manifest& m, const std::string& text,
                   const std::string& origin) {
  auto set = fstage::flow::load_definition_text(m, "rich", text, origin);
  INFO(text);
  CHECK(set.errors.empty() == (set.flows.size() == 1));
  CHECK(set.flows.size() <= 1);
  for (const auto& d : set.errors) {
    CHECK(d.where.file == origin);
    CHECK(d.where.line >= 1);
    CHECK(d.where.column >= 1);
    CHECK_FALSE(d.message.empty());
  }
}

}  // namespace

TEST_CASE("truncated and mutated definitions give a diagnostic or a flow", "[flow][validate]") {
  FlowProject p(fstage::test::k_rich_flow, false, "rich");
  REQUIRE(p.manifest.manifest);
  const auto& m = *p.manifest.manifest;
  const std::string& base = fstage::test::k_rich_flow;
  std::mt19937 rng(19);
  // Every truncation point would be 3000 loads; one in seven is enough to hit every kind of
  // token boundary while the test stays fast.
  for (std::size_t cut = 0; cut < base.size(); cut += 7) {
    check_outcome(m, base.substr(0, cut), "flows/rich.json");
  }
  const std::string alphabet = "{}[]\",: 0-1.eE\\$|'a\n\t#&*!%\x01\xff";
  for (int round = 0; round < 400; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 12);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    check_outcome(m, text, "flows/rich.json");
  }
  // The states swapped for one another's values: wrong kinds everywhere.
  for (const char* swap : {"\"end\": true", "\"duration\": 1", "\"transition\": \"done\""}) {
    std::string text = base;
    for (auto at = text.find("\"type\": \""); at != std::string::npos;
         at = text.find("\"type\": \"", at + 1)) {
      text.replace(at, 8, std::string(swap) + ", \"type\":");
      at += std::string(swap).size();
    }
    check_outcome(m, text, "flows/rich.json");
  }
}

TEST_CASE("mutated YAML definitions give a diagnostic or a flow", "[flow][validate]") {
  const std::string base =
      "start: route\n"
      "functions:\n"
      "  - {name: check, operation: orders}\n"
      "retries: [{name: again, delay: 2, max_attempts: 3}]\n"
      "states:\n"
      "  - id: route\n"
      "    type: Switch\n"
      "    conditions:\n"
      "      - {condition: \"$.age >= 20\", transition: adult}\n"
      "    default: wait\n"
      "  - id: adult\n"
      "    type: Operation\n"
      "    actions:\n"
      "      - function_ref: {ref_name: check, arguments: {id: \"$.id | 'none'\"}}\n"
      "    on_errors: [{error: \"*\", retry_ref: again}]\n"
      "    end: true\n"
      "  - {id: wait, type: Sleep, duration: 86400, transition: done}\n"
      "  - {id: done, type: End}\n";
  FlowProject p(base, false, "y");
  REQUIRE(p.manifest.manifest);
  REQUIRE(p.flows.errors.empty());
  const auto& m = *p.manifest.manifest;
  std::mt19937 rng(8);
  const std::string alphabet = "{}[]\"',: -\n\t#&*!|>$.a0";
  for (std::size_t cut = 0; cut < base.size(); cut += 3) {
    check_outcome(m, base.substr(0, cut), "flows/y.yaml");
  }
  for (int round = 0; round < 400; ++round) {
    std::string text = base;
    for (int e = 0, n = 1 + static_cast<int>(rng() % 3); e < n; ++e) {
      std::size_t at = rng() % text.size();
      if (rng() % 2 == 0) {
        text[at] = alphabet[rng() % alphabet.size()];
      } else {
        text.erase(at, 1 + rng() % 8);
      }
    }
    check_outcome(m, text, "flows/y.yaml");
  }
}
