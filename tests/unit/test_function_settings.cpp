// SPDX-License-Identifier: Apache-2.0
// A function's platform settings in the manifest: the API's field names and limits, and the
// rules between them, each mistake at file:line:column with the fix.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using fstage::manifest::validate_text;

namespace {

// Function `a` with the settings from line 6 (indented four spaces).
std::string with(const std::string& settings) {
  return "name: shop\nfunctions:\n  a:\n    runtime: python3.10\n    handler: index.handler\n" +
         settings;
}

std::string first_error(const fstage::manifest::Validation& v) {
  return v.errors.empty() ? std::string() : v.errors.front().str();
}

}  // namespace

TEST_CASE("function settings: the API's names parsed into the manifest", "[manifest][settings]") {
  auto v =
      validate_text(with("    xrole: fgs_vpc\n"
                         "    func_vpc: {vpc_id: v-1, subnet_id: s-1, security_groups: [sg-1]}\n"
                         "    strategy_config: {concurrency: 20, concurrent_num: 5}\n"
                         "    reserved_instances: 2\n"
                         "    log_config: {group_id: g-1, stream_id: s-2, group_name: grp}\n"
                         "    tags: {team: payments, env: ''}\n"
                         "    encrypted_env: {DB_PASSWORD: hunter2}\n"
                         "    pre_stop_handler: index.stop\n"
                         "    pre_stop_timeout: 30\n"),
                    "fstage.yaml");
  INFO(first_error(v));
  REQUIRE(v.manifest);
  const auto& s = v.manifest->find("a")->settings;
  CHECK(s.xrole == "fgs_vpc");
  CHECK(s.func_vpc->dump() == R"({"vpc_id":"v-1","subnet_id":"s-1","security_groups":["sg-1"]})");
  CHECK(s.strategy_config->dump() == R"({"concurrency":20,"concurrent_num":5})");
  CHECK(s.log_config->value("group_name", "") == "grp");
  REQUIRE(s.tags);
  CHECK(s.tags->size() == 2);
  CHECK(s.tags->at(1).second.empty());
  REQUIRE(s.encrypted_env);
  CHECK(s.encrypted_env->at(0).first == "DB_PASSWORD");
  CHECK(s.pre_stop_handler == "index.stop");
  CHECK(s.pre_stop_timeout == 30);
  CHECK(s.reserved_instances_written);
  CHECK_FALSE(
      validate_text(with(""), "f").manifest->find("a")->settings.reserved_instances_written);
}

TEST_CASE("function settings: limits and dependencies at file:line:column",
          "[manifest][settings]") {
  struct Case {
    std::string yaml;
    std::string where;
    std::string message;
  };
  const Case cases[] = {
      {"    func_vpc: {vpc_id: v, subnet_id: s}\n", "fstage.yaml:6:15", "a VPC needs an agency"},
      {"    xrole: a\n    func_vpc: {vpc_id: v}\n", "fstage.yaml:7:15", "subnet_id"},
      {"    xrole: a\n    func_vpc: {vpc_id: 'my vpc', subnet_id: s}\n",
       "fstage.yaml:7:", "is not an id"},
      {"    xrole: 'a/b'\n", "fstage.yaml:6:12", "is not an agency name"},
      {"    strategy_config: {concurrency: 1001}\n", "fstage.yaml:6:", "concurrency"},
      {"    strategy_config: {concurrency: 5, concurrent_num: 0}\n",
       "fstage.yaml:6:", "concurrent_num"},
      {"    reserved_instances: 6\n    strategy_config: {concurrency: 5}\n",
       "fstage.yaml:7:", "below reserved_instances"},
      {"    pre_stop_timeout: 10\n", "fstage.yaml:6:23", "without a pre_stop_handler"},
      {"    pre_stop_handler: index.stop\n    pre_stop_timeout: 91\n",
       "fstage.yaml:7:", "pre_stop_timeout"},
      {"    log_config: {group_id: g}\n", "fstage.yaml:6:", "stream_id"},
      {"    tags: {'a b': x}\n", "fstage.yaml:6:", "is not a valid tag key"},
      {"    tags: {_sys_x: y}\n", "fstage.yaml:6:", "_sys_"},
      {"    tags: {k: " + std::string(37, 'v') + "}\n", "fstage.yaml:6:", "not a valid tag value"},
      {"    env: {A: '1'}\n    encrypted_env: {A: '2'}\n", "fstage.yaml:7:", "is also in env"},
      {"    encrypted_env: {RUNTIME_PROJECT_ID: x}\n", "fstage.yaml:6:", "reserved"},
      {"    func_vpcs: {}\n", "fstage.yaml:6:5", "func_vpc"},
  };
  for (const auto& c : cases) {
    auto v = validate_text(with(c.yaml), "fstage.yaml");
    INFO(c.yaml);
    REQUIRE_FALSE(v.manifest);
    const std::string e = first_error(v);
    INFO(e);
    CHECK(e.rfind(c.where, 0) == 0);
    CHECK(e.find(c.message) != std::string::npos);
  }
}

TEST_CASE("function settings: at most 20 tags, the hint says how to fix a VPC",
          "[manifest][settings]") {
  std::string tags = "    tags:\n";
  for (int i = 0; i < 21; ++i) {
    tags += "      k" + std::to_string(i) + ": v\n";
  }
  auto v = validate_text(with(tags), "fstage.yaml");
  REQUIRE_FALSE(v.manifest);
  CHECK(first_error(v).find("more than 20 tags") != std::string::npos);
  CHECK(first_error(v).rfind("fstage.yaml:27:7", 0) == 0);
  auto vpc = validate_text(with("    func_vpc: {vpc_id: v, subnet_id: s}\n"), "fstage.yaml");
  REQUIRE_FALSE(vpc.errors.empty());
  CHECK(vpc.errors.front().hint.find("xrole:") != std::string::npos);
}

TEST_CASE("function settings: an encrypted value is never in a diagnostic",
          "[manifest][settings]") {
  auto v = validate_text(with("    env: {A: '1'}\n    encrypted_env: {A: hunter2-secret}\n"),
                         "fstage.yaml");
  REQUIRE_FALSE(v.errors.empty());
  for (const auto& d : v.errors) {
    CHECK(d.str().find("hunter2") == std::string::npos);
  }
}
