// SPDX-License-Identifier: Apache-2.0
// Robustness: mutated manifests (truncations, byte flips, inserted YAML punctuation, deleted and
// repeated spans) never throw, crash or report impossible positions.
#include <chrono>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using fstage::manifest::validate_text;
using fstage::manifest::Validation;

namespace {

const std::string k_seed = R"(name: shop
region: cn-north-4
functions:
  orders: &o
    runtime: python3.10
    handler: src/index.handler
    memory: 256
    timeout: 10
    env: { TABLE: orders, PORT: 8080 }
    initializer: src/index.init
    include: ["*.py"]
    triggers:
      - { type: APIG, path: "/orders/{id}", method: POST }
      - type: TIMER
        schedule: "CRON_TZ=Asia/Shanghai 0 */5 9-17 ? * MON-FRI"
      - { type: TIMER, schedule: 5m }
      - { type: OBS, bucket: b-1, events: ["s3:ObjectCreated:*"] }
      - { type: CTS, operations: ["A:B:C"] }
  copy:
    <<: *o
    runtime: 'nodejs18'
    handler: index.handler
    triggers: [{ type: TIMER, schedule: 1h }]
)";

void check_sane(const Validation& v, const std::string& text) {
  INFO("input: " << text);
  if (v.manifest) {
    CHECK(v.errors.empty());
  } else {
    CHECK_FALSE(v.errors.empty());
  }
  for (const auto& d : v.errors) {
    CHECK(d.where.line >= 1);
    CHECK(d.where.column >= 1);
    CHECK_FALSE(d.message.empty());
  }
}

}  // namespace

TEST_CASE("manifest::validate_text survives random mutations", "[manifest][fuzz]") {
  REQUIRE(validate_text(k_seed, "fstage.yaml").errors.empty());
  std::mt19937 rng(20240611);
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n == 0 ? 0 : n - 1)(rng);
  };
  const std::string punct = "{}[]:-,&*!|>\"'#%@`?\t\n \\\xff\xc3\x80";
  int invalid = 0;
  const int rounds = 600;
  for (int i = 0; i < rounds; ++i) {
    std::string text = k_seed;
    int edits = 1 + static_cast<int>(pick(4));
    for (int e = 0; e < edits; ++e) {
      std::size_t at = pick(text.size());
      switch (pick(6)) {
        case 0:
          text.resize(at);
          break;
        case 1:
          text[at] = static_cast<char>(pick(256));
          break;
        case 2:
          text.insert(at, 1, punct[pick(punct.size())]);
          break;
        case 3:
          text.erase(at, pick(20));
          break;
        case 4:
          text.insert(at, text.substr(pick(text.size()), pick(40)));
          break;
        default:
          text[at] = punct[pick(punct.size())];
          break;
      }
      if (text.empty()) {
        break;
      }
    }
    Validation v;
    REQUIRE_NOTHROW(v = validate_text(text, "fstage.yaml"));
    check_sane(v, text);
    invalid += v.manifest ? 0 : 1;
  }
  // Most mutations break something; all of them were handled.
  CHECK(invalid > rounds / 2);
}

TEST_CASE("manifest::validate_text survives hostile YAML", "[manifest][fuzz]") {
  std::vector<std::string> inputs = {
      std::string(5000, '[') + std::string(5000, ']'),
      std::string(5000, '{'),
      "name: " + std::string(100000, 'a') + "\n",
      "a: &a [*a]\n",
      "? [a, b]\n: c\n",
      ": x\n",
      "name: !!binary aGVsbG8=\nfunctions: {f: {runtime: go, handler: h}}\n",
      "%YAML 1.2\n---\nname: p\nfunctions: {f: {runtime: go, handler: h}}\n",
      "\xEF\xBB\xBFname: p\nfunctions: {f: {runtime: go, handler: h}}\n",
      "name: p\r\nfunctions:\r\n  f: {runtime: go, handler: h}\r\n",
      "---\n...\n",
      "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n    env: {A: !!int \"5\"}\n",
  };
  // An alias bomb: expanding it would take 10^9 nodes; it must be rejected quickly.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) {
      bomb += ", " + prev;
    }
    bomb += "]\n";
  }
  bomb += "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n    include: *a9\n";
  inputs.push_back(bomb);

  auto start = std::chrono::steady_clock::now();
  for (const auto& text : inputs) {
    Validation v;
    REQUIRE_NOTHROW(v = validate_text(text, "fstage.yaml"));
    check_sane(v, text.substr(0, 200));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  // The BOM and CRLF variants are valid manifests.
  CHECK(validate_text(inputs[8], "fstage.yaml").errors.empty());
  CHECK(validate_text(inputs[9], "fstage.yaml").errors.empty());
  CHECK(validate_text(inputs[7], "fstage.yaml").errors.empty());
}
