// SPDX-License-Identifier: Apache-2.0
// obs_bucket: in fstage.yaml: one bucket for every function, or a mapping per function.
#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using fstage::manifest::validate_text;

namespace {

constexpr const char* k_functions =
    "functions:\n  a: {runtime: Python3.10, handler: index.handler}\n"
    "  b: {runtime: Python3.10, handler: index.handler}\n";

}  // namespace

TEST_CASE("manifest: obs_bucket is a name or a mapping of function names", "[manifest][obs]") {
  auto one = validate_text(std::string("name: p\nobs_bucket: code-bucket\n") + k_functions, "f");
  REQUIRE(one.manifest);
  CHECK(one.manifest->obs_bucket == "code-bucket");
  CHECK(one.manifest->obs_buckets.empty());
  auto per = validate_text(std::string("name: p\nobs_bucket: {a: big-a}\n") + k_functions, "f");
  REQUIRE(per.manifest);
  CHECK(per.manifest->obs_bucket.empty());
  CHECK(per.manifest->obs_buckets.at("a") == "big-a");
  CHECK_FALSE(per.manifest->obs_buckets.contains("b"));
  auto bad = validate_text(std::string("name: p\nobs_bucket: [x]\n") + k_functions, "f");
  REQUIRE_FALSE(bad.errors.empty());
  CHECK(bad.errors.front().str().find("obs_bucket") != std::string::npos);
}
