// SPDX-License-Identifier: Apache-2.0
// A function's `async_invoke:` block: the platform's field names and ranges, destinations
// written flat, each mistake reported at its file:line:column with a hint.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using fstage::manifest::validate_text;

namespace {

// Function `a` (lines 3-6) with `async_invoke:` on line 6, its keys from line 7 at column 7;
// function `b` follows.
std::string with_async(const std::string& body, const std::string& b_extra = "") {
  return "name: shop\nfunctions:\n  a:\n    runtime: python3.10\n    handler: index.handler\n"
         "    async_invoke:\n" +
         body + "  b:\n    runtime: python3.10\n    handler: index.handler\n" + b_extra;
}

}  // namespace

TEST_CASE("async_invoke: the platform's fields, destinations written flat", "[async][manifest]") {
  auto v =
      validate_text(with_async("      max_async_retry_attempts: 2\n"
                               "      max_async_event_age_in_seconds: 600\n"
                               "      enable_async_status_log: true\n"
                               "      on_success: {destination: OBS, bucket: out, prefix: "
                               "results/, expires: 3}\n"
                               "      on_failure: {destination: FunctionGraph, func_urn: b}\n"),
                    "fstage.yaml");
  INFO((v.errors.empty() ? std::string() : v.errors.front().str()));
  REQUIRE(v.manifest);
  const auto* a = v.manifest->find("a");
  REQUIRE(a->async_invoke);
  CHECK(a->async_invoke->max_async_retry_attempts == 2);
  CHECK(a->async_invoke->max_async_event_age_in_seconds == 600);
  CHECK(a->async_invoke->enable_async_status_log);
  REQUIRE(a->async_invoke->on_success);
  CHECK(a->async_invoke->on_success->destination == "OBS");
  CHECK(a->async_invoke->on_success->param.dump() ==
        R"({"bucket":"out","prefix":"results/","expires":3})");
  REQUIRE(a->async_invoke->on_failure);
  CHECK(a->async_invoke->on_failure->param.value("func_urn", "") == "b");
  // Not written: none, and the defaults apply when serve runs it (3600 s, 1 retry).
  CHECK_FALSE(v.manifest->find("b")->async_invoke);
  fstage::manifest::AsyncInvokeConfig defaults;
  CHECK(defaults.max_async_event_age_in_seconds == 3600);
  CHECK(defaults.max_async_retry_attempts == 1);
}

TEST_CASE("async_invoke: a URN naming a manifest function, SMN and DIS", "[async][manifest]") {
  auto v = validate_text(
      with_async("      on_success: {destination: SMN, topic_urn: 'urn:smn:cn-north-4:p:done'}\n"
                 "      on_failure: {destination: FunctionGraph, func_urn: "
                 "'urn:fss:cn-north-4:p:function:default:b:latest'}\n",
                 "    async_invoke:\n      on_failure: {destination: DIS, stream_name: dead}\n"),
      "fstage.yaml");
  INFO((v.errors.empty() ? std::string() : v.errors.front().str()));
  REQUIRE(v.manifest);
  CHECK(v.manifest->find("b")->async_invoke->on_failure->param.value("stream_name", "") == "dead");
}

TEST_CASE("async_invoke: mistakes at file:line:column with hints", "[async][manifest]") {
  struct Case {
    const char* what;
    std::string body;
    std::string b_extra;
    const char* where;
    const char* needle;
  };
  std::vector<Case> cases = {
      {"retries over 3", "      max_async_retry_attempts: 4\n", "", "fstage.yaml:7:33",
       "0-3 retries (default 1)"},
      {"age 0", "      max_async_event_age_in_seconds: 0\n", "", "fstage.yaml:7:39",
       "1-86400 seconds"},
      {"age over a day", "      max_async_event_age_in_seconds: 86401\n", "", "fstage.yaml:7:39",
       "1-86400 seconds"},
      {"misspelt key", "      max_retry_attempts: 2\n", "", "fstage.yaml:7:7",
       "did you mean 'max_async_retry_attempts'?"},
      {"unknown destination", "      on_failure: {destination: Functiongraf, func_urn: b}\n", "",
       "fstage.yaml:7:33", "did you mean 'FunctionGraph'?"},
      {"missing func_urn", "      on_failure: {destination: FunctionGraph}\n", "",
       "fstage.yaml:7:19", "missing required key 'func_urn'"},
      {"a key of another destination",
       "      on_failure: {destination: OBS, bucket: out, "
       "func_urn: b}\n",
       "", "fstage.yaml:7:51", "unknown key 'func_urn'"},
      {"bad bucket", "      on_success: {destination: OBS, bucket: Out_Bucket}\n", "",
       "fstage.yaml:7:46", "'Out_Bucket' is not a valid bucket name"},
      {"expires over a year", "      on_success: {destination: OBS, bucket: out, expires: 400}\n",
       "", "fstage.yaml:7:60", "0-365 days"},
      {"bad topic urn", "      on_success: {destination: SMN, topic_urn: done}\n", "",
       "fstage.yaml:7:49", "is not an SMN topic URN"},
      {"no such function", "      on_failure: {destination: FunctionGraph, func_urn: bb}\n", "",
       "fstage.yaml:7:58", "names no function of the manifest"},
      {"itself", "      on_failure: {destination: FunctionGraph, func_urn: a}\n", "",
       "fstage.yaml:7:58", "is the function itself"},
      {"each other's", "      on_failure: {destination: FunctionGraph, func_urn: b}\n",
       "    async_invoke: {on_success: {destination: FunctionGraph, func_urn: a}}\n",
       "fstage.yaml:7:58", "each other's destinations"},
      {"not a mapping", "      - 3\n", "", "fstage.yaml:7:7", "found a list"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto v = validate_text(with_async(c.body, c.b_extra), "fstage.yaml");
    REQUIRE_FALSE(v.errors.empty());
    const std::string text = v.errors.front().str();
    INFO(text);
    CHECK(text.rfind(c.where, 0) == 0);
    CHECK(text.find(c.needle) != std::string::npos);
  }
}
