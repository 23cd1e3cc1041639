// SPDX-License-Identifier: Apache-2.0
// The resolution step before validation (manifest/src/stages.cpp, variables.cpp, dotenv.cpp):
// stage overrides merged over functions, ${env:}/${file:}/${param:}/${stage}, .env files, and
// errors at the position of the value that caused them.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

#include "../../manifest/src/resolve.hpp"
#include "test_support.hpp"

using namespace fstage::manifest;
namespace fs = std::filesystem;

namespace {

const char* const k_project = R"(name: shop
region: cn-north-4
params:
  table: orders
stages:
  dev: {}
  prod:
    region: eu-west-101
    name_suffix: -live
    triggers: false
    params:
      table: orders_prod
    functions:
      api:
        memory: 1024
        env:
          LOG_LEVEL: warn
functions:
  api:
    runtime: Python3.10
    handler: index.handler
    memory: 256
    env:
      LOG_LEVEL: debug
      TABLE: ${param:table}
      DB: ${env:DB_URL}
    triggers:
      - {type: TIMER, schedule: "@every 5m"}
)";

LoadOptions with_env(std::map<std::string, std::string> env, std::string stage = "dev") {
  LoadOptions o;
  o.stage = std::move(stage);
  o.getenv = [env = std::move(env)](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return o;
}

std::string env_of(const Function& f, const std::string& key) {
  for (const auto& [k, v] : f.env) {
    if (k == key) {
      return v;
    }
  }
  return "<unset>";
}

std::string all_errors(const Validation& v) {
  std::string s;
  for (const auto& d : v.errors) {
    s += d.str() + "\n";
  }
  return s;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("stages: the default stage keeps the manifest's settings and names",
          "[manifest][stages]") {
  auto v = validate_text(k_project, "fstage.yaml", with_env({{"DB_URL", "pg://secret"}}));
  INFO(all_errors(v));
  REQUIRE(v.manifest);
  const Manifest& m = *v.manifest;
  CHECK(m.stage == "dev");
  CHECK(m.region == "cn-north-4");
  CHECK(m.deploy_triggers);
  const Function& f = m.functions.at(0);
  CHECK(f.name == "api");
  CHECK(f.deploy_name == "api");
  CHECK(f.memory == 256);
  CHECK(env_of(f, "LOG_LEVEL") == "debug");
  CHECK(env_of(f, "TABLE") == "orders");
  CHECK(env_of(f, "DB") == "pg://secret");
  CHECK(m.secret_values == std::vector<std::string>{"orders", "pg://secret"});
}

TEST_CASE("stages: a stage merges maps key by key and replaces scalars", "[manifest][stages]") {
  auto v = validate_text(k_project, "fstage.yaml", with_env({{"DB_URL", "x"}}, "prod"));
  INFO(all_errors(v));
  REQUIRE(v.manifest);
  const Manifest& m = *v.manifest;
  CHECK(m.stage == "prod");
  CHECK(m.region == "eu-west-101");
  CHECK_FALSE(m.deploy_triggers);
  CHECK(m.name_suffix == "-live");
  const Function& f = m.functions.at(0);
  CHECK(f.name == "api");
  CHECK(f.deploy_name == "api-live");
  CHECK(f.memory == 1024);
  CHECK(env_of(f, "LOG_LEVEL") == "warn");
  CHECK(env_of(f, "TABLE") == "orders_prod");  // the stage's param over the top level's
  CHECK(env_of(f, "DB") == "x");
  CHECK(f.triggers.size() == 1);  // kept for local runs; deploy_triggers says what deploy does
}

TEST_CASE("stages: --param wins over the stage's and the top level's params",
          "[manifest][stages]") {
  LoadOptions o = with_env({{"DB_URL", "x"}}, "prod");
  o.params = {{"table", "cli_table"}};
  auto v = validate_text(k_project, "fstage.yaml", o);
  REQUIRE(v.manifest);
  CHECK(env_of(v.manifest->functions.at(0), "TABLE") == "cli_table");
}

TEST_CASE("stages: an undeclared stage is an error naming the declared ones",
          "[manifest][stages]") {
  auto v = validate_text(k_project, "fstage.yaml", with_env({{"DB_URL", "x"}}, "qa"));
  REQUIRE_FALSE(v.manifest);
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 6);
  CHECK(v.errors[0].message == "stages: no stage 'qa' is declared");
  CHECK(v.errors[0].expected == "one of dev, prod");
}

TEST_CASE("stages: without stages: any stage is allowed, named with a suffix but dev",
          "[manifest][stages]") {
  const char* text = "name: p\nfunctions:\n  f: {runtime: Python3.10, handler: index.handler}\n";
  auto dev = validate_text(text, "fstage.yaml", with_env({}));
  REQUIRE(dev.manifest);
  CHECK(dev.manifest->functions[0].deploy_name == "f");
  auto qa = validate_text(text, "fstage.yaml", with_env({}, "qa"));
  REQUIRE(qa.manifest);
  CHECK(qa.manifest->functions[0].deploy_name == "f-qa");
  CHECK(qa.manifest->stage == "qa");
  auto bad = validate_text(text, "fstage.yaml", with_env({}, "../x"));
  REQUIRE_FALSE(bad.manifest);
  CHECK(bad.errors.at(0).message == "stage '../x' is not a valid stage name");
}

TEST_CASE("stages: errors in a stage are reported at their position", "[manifest][stages]") {
  const char* text = R"(name: p
stages:
  prod:
    memory: 512
    functions:
      apii: {memory: 512}
      api: {memroy: 512}
functions:
  api: {runtime: Python3.10, handler: index.handler}
)";
  auto v = validate_text(text, "fstage.yaml", with_env({}, "prod"));
  REQUIRE_FALSE(v.manifest);
  std::string all = all_errors(v);
  INFO(all);
  CHECK(all.find("fstage.yaml:4:5: stages.prod: unknown key 'memory'") != std::string::npos);
  CHECK(all.find("fstage.yaml:6:7: stages.prod.functions.apii: no function 'apii' in "
                 "functions:; did you mean 'api'?") != std::string::npos);
}

TEST_CASE("stages: an override's unknown function field is reported where the stage wrote it",
          "[manifest][stages]") {
  const char* text = R"(name: p
stages:
  prod:
    functions:
      api: {memroy: 512}
functions:
  api: {runtime: Python3.10, handler: index.handler}
)";
  auto v = validate_text(text, "fstage.yaml", with_env({}, "prod"));
  REQUIRE_FALSE(v.manifest);
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 5);
  CHECK(v.errors[0].where.column == 13);
}

TEST_CASE("variables: an unresolved one is an error at the value with the fix as a hint",
          "[manifest][stages]") {
  auto v = validate_text(k_project, "fstage.yaml", with_env({}, "prod"));
  REQUIRE_FALSE(v.manifest);
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 26);
  CHECK(v.errors[0].where.column == 11);
  CHECK(v.errors[0].message == "functions.api.env.DB: ${env:DB_URL}: DB_URL is not set");
  CHECK(v.errors[0].hint == "set DB_URL in the environment, .env or .env.prod");

  const char* text =
      "name: p\nfunctions:\n  f:\n    runtime: Python3.10\n    handler: "
      "index.handler\n    env: {A: \"${param:nope}\", B: \"${bogus:x}\"}\n";
  auto p = validate_text(text, "fstage.yaml", with_env({}));
  std::string all = all_errors(p);
  INFO(all);
  CHECK(all.find("fstage.yaml:6:14: functions.f.env.A: ${param:nope}: no parameter 'nope'; "
                 "pass --param nope=VALUE") != std::string::npos);
  CHECK(all.find("fstage.yaml:6:34: functions.f.env.B: unknown variable '${bogus:x}'") !=
        std::string::npos);
}

TEST_CASE("variables: defaults, ${stage}, the $${ escape, numbers from params",
          "[manifest][stages]") {
  const char* text = R"(name: p
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    memory: ${param:mem}
    description: built for ${stage}, literally $${stage}
    env:
      A: ${env:MISSING, fallback}
      B: x${env:SET}y
)";
  LoadOptions o = with_env({{"SET", "mid"}}, "qa");
  o.params = {{"mem", "512"}};
  auto v = validate_text(text, "fstage.yaml", o);
  INFO(all_errors(v));
  REQUIRE(v.manifest);
  const Function& f = v.manifest->functions[0];
  CHECK(f.memory == 512);
  CHECK(f.description == "built for qa, literally ${stage}");
  CHECK(env_of(f, "A") == "fallback");
  CHECK(env_of(f, "B") == "xmidy");
  // The nodes a secret went into are marked for print; a default is not a secret.
  CHECK(v.manifest->secret_values == std::vector<std::string>{"512", "mid"});
}

TEST_CASE("variables: lenient resolution warns and goes on (completion)", "[manifest][stages]") {
  LoadOptions o = with_env({}, "prod");
  o.lenient = true;
  auto v = validate_text(k_project, "fstage.yaml", o);
  INFO(all_errors(v));
  REQUIRE(v.manifest);
  CHECK(env_of(v.manifest->functions[0], "DB").empty());
  CHECK_FALSE(v.warnings.empty());
}

TEST_CASE("variables: .env and .env.<stage> feed ${env:}, the process wins, ${file:} reads",
          "[manifest][stages]") {
  fstage::test::Scratch s;
  write(s.path() / "fstage.yaml", R"(name: p
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    env:
      A: ${env:A}
      B: ${env:B}
      C: ${env:C}
      K: ${file:secrets/key.txt}
)");
  write(s.path() / ".env",
        "# shared\nA=from_env_file\nexport B='single # not a comment'\n\n"
        "C=plain value # a comment\n");
  write(s.path() / ".env.prod", "A=\"prod\\tvalue\"\n");
  write(s.path() / "secrets/key.txt", "k3y\n");
  LoadOptions o = with_env({{"C", "process"}}, "prod");
  auto v = validate_file(s.path() / "fstage.yaml", "fstage.yaml", o);
  INFO(all_errors(v));
  REQUIRE(v.manifest);
  const Function& f = v.manifest->functions[0];
  CHECK(env_of(f, "A") == "prod\tvalue");
  CHECK(env_of(f, "B") == "single # not a comment");
  CHECK(env_of(f, "C") == "process");
  CHECK(env_of(f, "K") == "k3y");

  SECTION("dev does not read .env.prod") {
    auto d = validate_file(s.path() / "fstage.yaml", "fstage.yaml", with_env({}));
    REQUIRE(d.manifest);
    CHECK(env_of(d.manifest->functions[0], "A") == "from_env_file");
  }
  SECTION("a bad .env line is an error at its position") {
    write(s.path() / ".env.prod", "A=1\nNOEQUALS\nB=\"open\n");
    auto bad = validate_file(s.path() / "fstage.yaml", "fstage.yaml", o);
    std::string all = all_errors(bad);
    INFO(all);
    CHECK(all.find(".env.prod:2:9: 'NOEQUALS' has no '='") != std::string::npos);
    CHECK(all.find(".env.prod:3:3: the value of B has no closing \"") != std::string::npos);
  }
  SECTION("a missing ${file:} is an error at the value") {
    fs::remove(s.path() / "secrets/key.txt");
    auto bad = validate_file(s.path() / "fstage.yaml", "fstage.yaml", o);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].where.line == 10);
    CHECK(bad.errors[0].hint.find("create secrets/key.txt") == 0);
  }
}

TEST_CASE("dotenv: parse_dotenv reads the common syntax", "[manifest][stages]") {
  auto d = fstage::manifest::detail::parse_dotenv(
      "A=1\r\n  export  B = two words \n# c\nC=\nD=\"q\\\"x\\n\" # c\nE='$x'\n", ".env");
  REQUIRE(d.errors.empty());
  using P = std::pair<std::string, std::string>;
  CHECK(d.vars ==
        std::vector<P>{{"A", "1"}, {"B", "two words"}, {"C", ""}, {"D", "q\"x\n"}, {"E", "$x"}});
  auto bad = fstage::manifest::detail::parse_dotenv("=x\nA=\"x\" y\n", ".env");
  REQUIRE(bad.errors.size() == 2);
  CHECK(bad.errors[0].str().starts_with(".env:1:1: not a variable name"));
  CHECK(bad.errors[1].str().starts_with(".env:2:7: text after the quoted value of A"));
}
