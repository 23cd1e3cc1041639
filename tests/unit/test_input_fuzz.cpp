// SPDX-License-Identifier: Apache-2.0
// A seeded mutation fuzzer over what users feed fstage: thousands of manifests (mutated from
// the valid fixtures and templates) through parse + validate, thousands of events (mutated
// from the sample and platform payloads) through the JSON parser and `--set`. Nothing throws
// (a throw is exit 70, "internal error"), every error has a real line and column, and the
// whole run takes a few seconds. tests/e2e/validate/fuzz.sh sends a smaller batch through the
// binary.
#include <chrono>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/scaffolds/templates.hpp>

using namespace fstage;
namespace stdfs = std::filesystem;

namespace {

const stdfs::path k_source = FSTAGE_SOURCE_DIR;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// The valid manifests of the repository: fixtures, and each template filled in as init does.
std::vector<std::string> manifest_seeds() {
  std::vector<std::string> out;
  for (const auto& e : stdfs::recursive_directory_iterator(k_source / "tests/fixtures")) {
    if (e.path().filename() == "fstage.yaml") {
      out.push_back(read_file(e.path()).value());
    }
  }
  const std::vector<std::pair<std::string, std::string>> runtimes = {
      {"python", "python3.10"}, {"nodejs", "nodejs18"}, {"java", "java17"},
      {"go", "go1.x"},          {"custom", "custom"},   {"http", "http"}};
  for (const auto& [dir, runtime] : runtimes) {
    std::string t = read_file(k_source / "templates" / dir / "base/fstage.yaml").value();
    t = replace_all(t, "{{project}}", "demo");
    t = replace_all(t, "{{region}}", "cn-north-4");
    t = replace_all(t, "{{name}}", "hello");
    t = replace_all(t, "{{runtime}}", runtime);
    t = replace_all(t, "{{handler}}",
                    dir == "java" ? "com.example.Handler.handle" : "index.handler");
    // (http functions take APIG triggers only)
    t = replace_all(
        t, "{{triggers}}",
        "    triggers:\n      - {type: APIG, path: /hello, method: GET}\n" +
            std::string(dir == "http" ? "" : "      - type: TIMER\n        schedule: 5m\n"));
    out.push_back(t);
  }
  return out;
}

// The platform's payloads and fstage's sample events.
std::vector<std::string> event_seeds() {
  std::vector<std::string> out;
  for (const auto& dir :
       {k_source / "templates/events", k_source / "tests/fixtures/platform-events"}) {
    for (const auto& e : stdfs::directory_iterator(dir)) {
      if (e.path().extension() == ".json") {
        out.push_back(read_file(e.path()).value());
      }
    }
  }
  return out;
}

// Mutations that found bugs in parsers before: truncations, byte flips, punctuation, deleted
// and repeated spans, and tokens that stress a parser's limits.
class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : m_rng(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n == 0 ? 0 : n - 1)(m_rng);
  }

  std::string mutate(std::string text) {
    static const std::string k_punct = "{}[]:-,&*!|>\"'#%@`?\t\n \\\r\xff\xc3\x80";
    static const std::vector<std::string> k_tokens = {"1e400",
                                                      "-1e400",
                                                      "123456789012345678901234567890",
                                                      std::string(1, '\0'),
                                                      "\xff",
                                                      "\xEF\xBB\xBF",
                                                      "\xc3",
                                                      std::string(300, '['),
                                                      std::string(300, '{'),
                                                      "&a ",
                                                      "*a",
                                                      "<<: *a\n",
                                                      "\"\\u0000\"",
                                                      "\"\\ud800\"",
                                                      ": ",
                                                      "- ",
                                                      "!!binary ",
                                                      "? ",
                                                      "%YAML 1.1\n",
                                                      "---\n",
                                                      "...\n",
                                                      "\xe2\x80\xa8",
                                                      "\xc2\x85",
                                                      "0x",
                                                      "1e-400",
                                                      "NaN",
                                                      "-0",
                                                      "\"a\": 1,"};
    const int edits = 1 + static_cast<int>(pick(4));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = pick(text.size());
      switch (pick(8)) {
        case 0:
          text.resize(at);
          break;
        case 1:
          text[at] = static_cast<char>(pick(256));
          break;
        case 2:
          text.insert(at, 1, k_punct[pick(k_punct.size())]);
          break;
        case 3:
          text.erase(at, pick(20));
          break;
        case 4:
          text.insert(at, text.substr(pick(text.size()), pick(40)));
          break;
        case 5:
          text.insert(at, k_tokens[pick(k_tokens.size())]);
          break;
        case 6: {
          // A span repeated many times: a large input of the same shape.
          const std::string span = text.substr(pick(text.size()), 1 + pick(60));
          std::string many;
          for (std::size_t k = 0, n = 50 + pick(400); k < n; ++k) {
            many += span;
          }
          text.insert(at, many);
          break;
        }
        default:
          text[at] = k_punct[pick(k_punct.size())];
          break;
      }
    }
    return text;
  }

 private:
  std::mt19937 m_rng;
};

void check_manifest(const std::string& text) {
  manifest::Validation v;
  REQUIRE_NOTHROW(v = manifest::validate_text(text, "fstage.yaml"));
  if (v.manifest) {
    REQUIRE(v.errors.empty());
  } else {
    REQUIRE_FALSE(v.errors.empty());
  }
  for (const auto& d : v.errors) {
    REQUIRE(d.where.line >= 1);
    REQUIRE(d.where.column >= 1);
    REQUIRE_FALSE(d.message.empty());
  }
}

// Either parses, as nlohmann itself would (within fstage's depth limit), or fails with
// invalid_input at "e.json:LINE:COLUMN: ".
void check_event(const std::string& text) {
  static const std::regex k_where("^e\\.json:[1-9][0-9]*:[1-9][0-9]*: .+");
  Expected<Json> j;
  Expected<OrderedJson> o;
  REQUIRE_NOTHROW(j = parse_json(text, "e.json"));
  REQUIRE_NOTHROW(o = parse_ordered_json(text, "e.json"));
  REQUIRE(j.has_value() == o.has_value());
  if (!j) {
    REQUIRE(j.error().code == ErrorCode::invalid_input);
    INFO(j.error().message.substr(0, 300));
    REQUIRE(std::regex_match(j.error().message.substr(0, 300), k_where));
    return;
  }
  REQUIRE_FALSE(Json::parse(text, nullptr, false).is_discarded());
  REQUIRE_NOTHROW(j->dump());
}

}  // namespace

TEST_CASE("fuzz: mutated manifests never throw and point at real positions", "[fuzz][manifest]") {
  const auto seeds = manifest_seeds();
  REQUIRE(seeds.size() >= 8);
  for (const auto& s : seeds) {
    INFO(s);
    CHECK(manifest::validate_text(s, "fstage.yaml").errors.empty());
  }
  Mutator m(20260611);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3000; ++i) {
    const std::string text = m.mutate(seeds[m.pick(seeds.size())]);
    INFO("case " << i << ": " << text.substr(0, 400));
    check_manifest(text);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("fuzz: mutated events never throw and point at real positions", "[fuzz][json]") {
  const auto seeds = event_seeds();
  REQUIRE(seeds.size() >= 20);
  Mutator m(424242);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3000; ++i) {
    const std::string text = m.mutate(seeds[m.pick(seeds.size())]);
    INFO("case " << i << ": " << text.substr(0, 400));
    check_event(text);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("fuzz: --set values never throw", "[fuzz][json]") {
  const std::string sample = scaffolds::sample_event("apig").value();
  const OrderedJson event = parse_ordered_json(sample, "apig").value();
  Mutator m(777);
  const std::vector<std::string> paths = {
      "body",        "headers.x",     "queryStringParameters.q", "isBase64Encoded",
      "new.deep[0]", "requestContext"};
  for (int i = 0; i < 1000; ++i) {
    const std::string value = m.mutate("{\"a\": [1, 2.5, \"s\", null, true, {\"b\": {}}]}");
    const std::string assignment = paths[m.pick(paths.size())] + "=" + value;
    INFO("case " << i << ": " << assignment.substr(0, 400));
    Expected<OrderedJson> r;
    const std::vector<std::string> assignments = {assignment};
    REQUIRE_NOTHROW(r = sandbox::apply_assignments(event, assignments));
    if (r) {
      REQUIRE_NOTHROW(r->dump());
    }
  }
  // Bytes that are not UTF-8 cannot go into JSON text, except into a base64 body.
  const std::vector<std::string> bad = {"body=\xff\xfe"};
  auto refused = sandbox::apply_assignments(event, bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_input);
  CHECK(refused.error().message == "the value for body is not valid UTF-8");
  const OrderedJson b64 =
      parse_ordered_json(scaffolds::sample_event("apig-base64").value(), "apig-base64").value();
  auto encoded = sandbox::apply_assignments(b64, bad);
  REQUIRE(encoded);
  CHECK((*encoded)["body"] == "//4=");
  // A value nested past the limit stays text instead of being walked recursively.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const std::vector<std::string> assignments = {"new=" + deep};
  auto r = sandbox::apply_assignments(event, assignments);
  REQUIRE(r);
  CHECK((*r)["new"].is_string());
}
