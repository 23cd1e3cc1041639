// SPDX-License-Identifier: Apache-2.0
// fstage.yaml's `flows:` map: each flow's name and where its definition is (inline or a file
// inside the project), every problem at its line:column.
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using fstage::manifest::is_valid_flow_name;
using fstage::manifest::validate_file;
using fstage::manifest::validate_text;

namespace {

const std::string k_head =
    "name: shop\n"
    "functions:\n"
    "  orders: {runtime: python3.10, handler: index.handler}\n";  // lines 1-3

bool has_error(const fstage::manifest::Validation& v, int line, int column,
               const std::string& needle) {
  for (const auto& d : v.errors) {
    if (d.where.line == line && d.where.column == column &&
        d.str().find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string all_errors(const fstage::manifest::Validation& v) {
  std::string out;
  for (const auto& d : v.errors) {
    out += d.str() + "\n";
  }
  return out;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("flow names follow the platform's pattern", "[flow][manifest]") {
  CHECK(is_valid_flow_name("orders"));
  CHECK(is_valid_flow_name("order_flow-(v1).2"));
  CHECK(is_valid_flow_name("订单流程"));
  CHECK(is_valid_flow_name(std::string(64, 'a')));
  CHECK_FALSE(is_valid_flow_name(std::string(65, 'a')));
  CHECK_FALSE(is_valid_flow_name(""));
  CHECK_FALSE(is_valid_flow_name("a b"));
  CHECK_FALSE(is_valid_flow_name("a/b"));
  CHECK_FALSE(is_valid_flow_name("café"));          // é is outside the pattern
  CHECK_FALSE(is_valid_flow_name("\xe4\xb8"));      // a cut UTF-8 sequence
  CHECK_FALSE(is_valid_flow_name("\xe3\x80\x80"));  // U+3000, below the CJK block
  // 64 Chinese characters are 192 bytes and still one name of 64 characters.
  std::string cjk;
  for (int i = 0; i < 64; ++i) {
    cjk += "流";
  }
  CHECK(is_valid_flow_name(cjk));
  CHECK_FALSE(is_valid_flow_name(cjk + "流"));
}

TEST_CASE("flows: inline and file sources are kept in order with their positions",
          "[flow][manifest]") {
  auto v = validate_text(k_head +
                             "flows:\n"                              // 4
                             "  orders-flow:\n"                      // 5
                             "    start: a\n"                        // 6
                             "    states: [{id: a, type: End}]\n"    // 7
                             "  billing:\n"                          // 8
                             "    definition: flows/billing.json\n"  // 9
                             "  流程.yml: {definition: ./flows/x.yml}\n",
                         "fstage.yaml");
  INFO(all_errors(v));
  REQUIRE(v.errors.empty());
  const auto& flows = v.manifest->flows;
  REQUIRE(flows.size() == 3);
  CHECK(flows[0].name == "orders-flow");
  CHECK(flows[0].where.str() == "fstage.yaml:5:3");
  CHECK(flows[0].file.empty());
  REQUIRE(flows[0].node);
  CHECK(flows[0].node->is_map());
  CHECK(flows[1].name == "billing");
  CHECK(flows[1].file == fs::path("flows/billing.json"));
  CHECK(flows[1].file_where.str() == "fstage.yaml:9:17");
  CHECK(flows[1].node == nullptr);
  CHECK(flows[2].name == "流程.yml");
  CHECK(flows[2].file == fs::path("flows/x.yml"));  // normalised
}

TEST_CASE("flows: an empty or absent map is no flows", "[flow][manifest]") {
  auto none = validate_text(k_head, "fstage.yaml");
  REQUIRE(none.manifest);
  CHECK(none.manifest->flows.empty());
  auto empty = validate_text(k_head + "flows:\n", "fstage.yaml");
  REQUIRE(empty.manifest);
  CHECK(empty.manifest->flows.empty());
}

TEST_CASE("flows: bad entries fail at their line:column", "[flow][manifest]") {
  struct Case {
    const char* what;
    std::string text;
    int line;
    int column;
    const char* needle;
  };
  std::vector<Case> cases = {
      {"flows is a list", "flows: [a]\n", 4, 8, "flows: found a list"},
      {"flows is a scalar", "flows: orders\n", 4, 8, "flows: found 'orders'"},
      {"bad flow name", "flows:\n  'my flow': {start: a}\n", 5, 3,
       "'my flow' is not a valid flow name; expected 1-64 letters"},
      {"flow name too long", "flows:\n  " + std::string(65, 'f') + ": {start: a}\n", 5, 3,
       "is not a valid flow name"},
      {"entry is a scalar", "flows:\n  orders: flows/o.json\n", 5, 11,
       "flows.orders: found 'flows/o.json'; expected a mapping of flow names"},
      {"entry is a list", "flows:\n  orders: [1]\n", 5, 11, "flows.orders: found a list"},
      {"path escapes the root", "flows:\n  orders: {definition: ../other/o.json}\n", 5, 24,
       "'../other/o.json' is outside the project"},
      {"path escapes after normalising", "flows:\n  orders: {definition: a/../../o.json}\n", 5, 24,
       "is outside the project"},
      {"absolute path", "flows:\n  orders: {definition: /etc/o.json}\n", 5, 24,
       "'/etc/o.json' is outside the project"},
      {"empty path", "flows:\n  orders: {definition: ''}\n", 5, 24, "is outside the project"},
      {"not json or yaml", "flows:\n  orders: {definition: flows/o.txt}\n", 5, 24,
       "'flows/o.txt' is neither JSON nor YAML; expected a file ending in .json, .yaml or .yml"},
      {"definition is a list", "flows:\n  orders: {definition: [a]}\n", 5, 24,
       "flows.orders.definition: found a list"},
      {"a key beside definition", "flows:\n  orders: {definition: o.json, start: a}\n", 5, 32,
       "unknown key 'start' beside 'definition'"},
      {"unknown top-level key suggests flows", "flow:\n  orders: {}\n", 4, 1,
       "unknown top-level key 'flow'; expected one of name, region, package, functions, flows, "
       "obs_bucket; "
       "did you mean 'flows'?"},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      auto v = validate_text(k_head + c.text, "fstage.yaml");
      INFO(all_errors(v));
      CHECK(has_error(v, c.line, c.column, c.needle));
      CHECK_FALSE(v.manifest);
    }
  }
}

TEST_CASE("flows: a definition file must exist in the project", "[flow][manifest]") {
  fstage::test::Scratch s;
  const fs::path manifest = s.path() / "fstage.yaml";
  write(s.path() / "flows" / "here.json", "{}");
  fs::create_directories(s.path() / "flows" / "dir.json");
  write(s.path().parent_path() / (s.path().filename().string() + "-outside.json"), "{}");
  fs::create_symlink(s.path().parent_path() / (s.path().filename().string() + "-outside.json"),
                     s.path() / "flows" / "link.json");
  write(manifest, k_head +
                      "flows:\n"                                     // 4
                      "  ok: {definition: flows/here.json}\n"        // 5
                      "  missing: {definition: flows/gone.json}\n"   // 6
                      "  dir: {definition: flows/dir.json}\n"        // 7
                      "  linked: {definition: flows/link.json}\n");  // 8
  auto v = validate_file(manifest, "fstage.yaml");
  INFO(all_errors(v));
  CHECK(has_error(v, 6, 25, "flows.missing.definition: 'flows/gone.json' does not exist"));
  CHECK(has_error(v, 7, 21, "'flows/dir.json' is a directory"));
  CHECK(has_error(v, 8, 24, "'flows/link.json' leads outside the project"));
  CHECK(v.errors.size() == 3);
  fs::remove(s.path().parent_path() / (s.path().filename().string() + "-outside.json"));
}
