// SPDX-License-Identifier: Apache-2.0
// verify_signature (deploy/verify.hpp) on the published vector A1 (PLATFORM.md §5.3): the
// request as it arrives verifies, and each thing a signature protects, changed, is rejected.
#include <chrono>

#include <catch2/catch.hpp>

#include <fstage/deploy/verify.hpp>

using namespace fstage::deploy;

namespace {

constexpr const char* k_project = "0123456789abcdef0123456789abcdef";
constexpr const char* k_path =
    "/v2/0123456789abcdef0123456789abcdef/fgs/functions/"
    "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello:latest/invocations";

ReceivedRequest vector_a1() {
  ReceivedRequest r;
  r.method = "POST";
  r.path = k_path;
  r.headers = {{"Host", "functiongraph.cn-north-4.myhuaweicloud.com"},
               {"Content-Type", "application/json"},
               {"X-Project-Id", k_project},
               {"X-Sdk-Date", "20240101T120000Z"},
               {"User-Agent", "not signed"},
               {"Authorization",
                "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000000, "
                "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
                "Signature=3a33c8a5a50c645329b16cd88b45fe48bb23228fe8e6c04871d606c522046780"}};
  r.body = "{\"k\":\"v\"}";
  return r;
}

Credentials local() {
  Credentials c;
  c.access_key = "AKTESTEXAMPLE0000000";
  c.secret_key = "SKTESTEXAMPLE0000000000000000000000000000";
  c.source = "profile 'default'";
  return c;
}

// 2024-01-01T12:05:00Z
const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1704110700));

std::string rejection(const ReceivedRequest& r, const Credentials& c = local(),
                      std::chrono::system_clock::time_point now = k_now) {
  auto v = verify_signature(r, c, now);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().code == fstage::ErrorCode::auth);
  CHECK(v.error().message.find("SKTEST") == std::string::npos);
  return v.error().message;
}

}  // namespace

TEST_CASE("verify_signature accepts the published vector as it arrives", "[deploy][signer]") {
  ReceivedRequest r = vector_a1();
  CHECK(is_signed(r));
  CHECK(verify_signature(r, local(), k_now).has_value());
  // The body's hash may come in X-Sdk-Content-Sha256 (then it must be the body's).
  r.headers.emplace_back("X-Sdk-Content-Sha256",
                         "666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319");
  CHECK(verify_signature(r, local(), k_now).has_value());
  r.body = "{\"k\":\"w\"}";
  CHECK(rejection(r).find("X-Sdk-Content-Sha256 is not the body's SHA-256") != std::string::npos);
}

TEST_CASE("verify_signature rejects what the signature protects, changed", "[deploy][signer]") {
  ReceivedRequest r = vector_a1();
  r.body = "{\"k\":\"w\"}";
  CHECK(rejection(r).find("does not match") != std::string::npos);

  r = vector_a1();
  r.path += "x";
  CHECK(rejection(r).find("does not match") != std::string::npos);

  r = vector_a1();
  r.query = {{"a", "1"}};
  CHECK(rejection(r).find("does not match") != std::string::npos);

  r = vector_a1();
  r.headers[1].second = "text/plain";
  CHECK(rejection(r).find("does not match") != std::string::npos);

  r = vector_a1();
  r.headers.erase(r.headers.begin() + 2);  // X-Project-Id, signed
  CHECK(rejection(r).find("signed header 'x-project-id' is missing") != std::string::npos);

  Credentials other = local();
  other.access_key = "AKOTHER";
  CHECK(rejection(vector_a1(), other).find("not the local profile's (profile 'default')") !=
        std::string::npos);
  Credentials wrong_sk = local();
  wrong_sk.secret_key = "another secret";
  CHECK(rejection(vector_a1(), wrong_sk).find("does not match") != std::string::npos);

  CHECK(rejection(vector_a1(), local(), k_now + std::chrono::minutes(20))
            .find("more than 15 minutes from now") != std::string::npos);

  r = vector_a1();
  r.headers.back().second = "Basic dXNlcjpwYXNz";
  CHECK(rejection(r).find("is not SDK-HMAC-SHA256") != std::string::npos);
}

TEST_CASE("verify_signature: an unsigned request is not signed", "[deploy][signer]") {
  ReceivedRequest r = vector_a1();
  r.headers.pop_back();
  CHECK_FALSE(is_signed(r));
}
