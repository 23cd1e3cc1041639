// SPDX-License-Identifier: Apache-2.0
// Target resolution, retry schedule, API error rendering and the code-upload body.
#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/retry.hpp>
#include <fstage/deploy/target.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::deploy;
using std::chrono::milliseconds;

TEST_CASE("deploy::region_endpoint knows the regions and suggests on typos", "[deploy][target]") {
  CHECK(region_endpoint("cn-north-4").value() ==
        "https://functiongraph.cn-north-4.myhuaweicloud.com");
  CHECK(region_endpoint("eu-west-101").value() ==
        "https://functiongraph.eu-west-101.myhuaweicloud.eu");
  auto e = region_endpoint("cn-nort-4");
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code == ErrorCode::usage);
  CHECK(e.error().message.find("did you mean 'cn-north-4'") != std::string::npos);
}

TEST_CASE("deploy::check_endpoint allows plain http only on loopback", "[deploy][target]") {
  CHECK(check_endpoint("https://fg.example.com").has_value());
  CHECK(check_endpoint("http://127.0.0.1:8080").value().port == 8080);
  CHECK(check_endpoint("http://localhost:1").has_value());
  CHECK(check_endpoint("http://[::1]:9/x").value().host == "::1");
  CHECK_FALSE(check_endpoint("http://10.0.0.1").has_value());
  CHECK_FALSE(check_endpoint("ftp://x").has_value());
  CHECK_FALSE(check_endpoint("https://x:").has_value());
  CHECK_FALSE(check_endpoint("https://u:p@x").has_value());
  CHECK_FALSE(check_endpoint("fg.example.com").has_value());
}

TEST_CASE("deploy::resolve_target orders flag, env, manifest, profile", "[deploy][target]") {
  Credentials c;
  c.region = "ap-southeast-1";
  TargetRequest req;
  CHECK(resolve_target(req, {}, c).value().region == "ap-southeast-1");
  req.manifest_region = "cn-east-3";
  CHECK(resolve_target(req, {}, c).value().region == "cn-east-3");
  CHECK(resolve_target(req, {{"FSTAGE_REGION", "cn-south-1"}}, c).value().region == "cn-south-1");
  req.region_flag = "af-south-1";
  auto t = resolve_target(req, {{"FSTAGE_REGION", "cn-south-1"}}, c).value();
  CHECK(t.region == "af-south-1");
  CHECK(t.endpoint == "https://functiongraph.af-south-1.myhuaweicloud.com");
  CHECK(t.iam_endpoint == "https://iam.myhuaweicloud.com");
  SECTION("a custom endpoint serves IAM too and skips the region table") {
    req.region_flag = "my-private-1";
    req.endpoint_flag = "http://127.0.0.1:5000/";
    auto t2 = resolve_target(req, {}, c).value();
    CHECK(t2.endpoint == "http://127.0.0.1:5000");
    CHECK(t2.iam_endpoint == "http://127.0.0.1:5000");
  }
}

TEST_CASE("deploy::backoff_delay is full jitter under a doubling cap", "[deploy][retry]") {
  RetryPolicy p;
  p.base = milliseconds(100);
  p.cap = milliseconds(1000);
  CHECK(backoff_delay(p, 1, 0.999).count() == 99);
  CHECK(backoff_delay(p, 2, 0.5).count() == 100);
  CHECK(backoff_delay(p, 3, 1.0).count() == 400);
  CHECK(backoff_delay(p, 10, 1.0).count() == 1000);
  CHECK(backoff_delay(p, 3, 0.0).count() == 0);
  CHECK(is_retryable_status(429));
  CHECK(is_retryable_status(503));
  CHECK_FALSE(is_retryable_status(400));
  CHECK_FALSE(is_retryable_status(409));
}

TEST_CASE("deploy::parse_retry_after takes seconds or an HTTP date", "[deploy][retry]") {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37
  CHECK(parse_retry_after("3", now).value() == milliseconds(3000));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now).value() == milliseconds(3000));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now).value() == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("deploy::api_error renders error_code and error_msg with hints", "[deploy][api]") {
  Credentials c;
  c.source = "environment (HUAWEICLOUD_SDK_AK)";
  HttpResponse r;
  r.status = 413;
  r.body = R"({"error_code":"FSS.1071","error_msg":"package too large"})";
  Error e = api_error(r, "PUT /x/code", c);
  CHECK(e.code == ErrorCode::limit);
  CHECK(e.message == "PUT /x/code: HTTP 413 FSS.1071: package too large");
  CHECK(e.hint.find("OBS") != std::string::npos);
  r.status = 404;
  r.body = R"({"error_code":"FSS.1051","error_msg":"Not found the function"})";
  CHECK(api_error(r, "GET", c).code == ErrorCode::not_found);
  r.status = 401;
  r.body = R"({"error_code":"APIGW.0301","error_msg":"verify aksk signature fail"})";
  Error a = api_error(r, "GET", c);
  CHECK(a.code == ErrorCode::auth);
  CHECK(a.hint.find("environment") != std::string::npos);
  SECTION("a server clock far off names the skew") {
    r.headers["date"] = "Sun, 06 Nov 1994 08:49:37 GMT";
    CHECK(api_error(r, "GET", c).hint.find("minutes ahead of the server's") != std::string::npos);
  }
  r.status = 500;
  r.body = "<html>oops</html>";
  CHECK(api_error(r, "GET", c).code == ErrorCode::remote);
}

TEST_CASE("deploy::json_with_code embeds base64 of the zip once", "[deploy][api]") {
  test::Scratch s;
  std::string data(3 * 1024 * 1024 + 2, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>(i * 7);
  }
  const auto zip = s.path() / "a.zip";
  REQUIRE(write_file_atomic(zip, data));
  auto body = json_with_code(Json{{"code_type", "zip"}}, zip).value();
  auto j = Json::parse(body);
  CHECK(j["code_type"] == "zip");
  CHECK(base64_decode(j["func_code"]["file"].get<std::string>()).value() == data);
  CHECK(Json::parse(json_with_code(Json::object(), zip).value()).size() == 1);
  CHECK(json_with_code(Json::object(), s.path() / "none.zip").error().code == ErrorCode::not_found);
}
