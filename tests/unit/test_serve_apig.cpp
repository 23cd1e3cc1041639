// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/serve/apig.hpp>

using namespace fstage;
using namespace fstage::serve;

namespace {

Json real_event(const char* name) {
  auto text = read_file(std::string(FSTAGE_PLATFORM_EVENTS) + "/" + name);
  REQUIRE(text);
  return Json::parse(*text);
}

}  // namespace

TEST_CASE("serve::build_apig_event has the platform's APIG event shape", "[serve][apig]") {
  Route route;
  route.function = "users";
  route.path = "/users/{id}";
  route.api_id = "abc";
  RouteMatch m;
  m.route = &route;
  m.path_parameters["id"] = "42";
  HttpRequestData d;
  d.method = "POST";
  d.path = "/users/42";
  d.query = {{"a", "1"}, {"b", "x y"}};
  d.headers = {{"Content-Type", "text/plain"}, {"X-Multi", "1"}, {"x-multi", "2"}};
  d.body = std::string("\x00\xff binary", 9);
  d.remote_addr = "127.0.0.1";
  Json e = Json::parse(build_apig_event(d, m, "req-1"));

  // Every top-level field of the real capture, with the same JSON types.
  Json real = real_event("apig_base64.json");
  for (const auto& [k, v] : real.items()) {
    INFO(k);
    REQUIRE(e.contains(k));
    CHECK(e[k].type() == v.type());
  }
  for (const auto& [k, v] : real["requestContext"].items()) {
    CHECK(e["requestContext"].contains(k));
  }
  CHECK(e["requestContext"]["requestId"] == "req-1");
  CHECK(e["requestContext"]["sourceIp"] == "127.0.0.1");
  CHECK(e["requestContext"]["stage"] == "RELEASE");
  CHECK(e["httpMethod"] == "POST");
  CHECK(e["path"] == "/users/42");
  CHECK(e["pathParameters"]["id"] == "42");
  CHECK(e["queryStringParameters"]["b"] == "x y");
  CHECK(e["headers"]["content-type"] == "text/plain");
  CHECK(e["headers"]["x-multi"] == "1,2");
  CHECK(e["headers"]["x-real-ip"] == "127.0.0.1");
  CHECK(e["headers"]["x-request-id"] == "req-1");
  CHECK(e["isBase64Encoded"] == true);
  CHECK(*sandbox::base64_decode(e["body"].get<std::string>()) == d.body);
}

TEST_CASE("serve::map_function_result maps the platform's sample responses", "[serve][apig]") {
  auto text = read_file(std::string(FSTAGE_PLATFORM_EVENTS) + "/apig_response.json");
  REQUIRE(text);
  HttpResponseData r = map_function_result(*text, "id");
  CHECK(r.status == 200);
  CHECK(r.body == "Hello OpenTelekomCloud");
  CHECK(r.headers.front() ==
        std::pair<std::string, std::string>{"Content-Type", "application/json"});

  text = read_file(std::string(FSTAGE_PLATFORM_EVENTS) + "/apig_base64_response.json");
  REQUIRE(text);
  r = map_function_result(*text, "id");
  CHECK(r.status == 200);
  CHECK(r.body == "Hello OpenTelekomCloud");
}

TEST_CASE("serve::map_function_result handles headers, arrays and binary bodies", "[serve][apig]") {
  HttpResponseData r = map_function_result(
      R"({"statusCode":201,"headers":{"X-A":"1","Set-Cookie":["a=1","b=2"],"X-N":5},)"
      R"("body":"AP8=","isBase64Encoded":true})",
      "rid");
  CHECK(r.status == 201);
  CHECK(r.body == std::string("\x00\xff", 2));
  int cookies = 0;
  bool typed = false;
  for (const auto& [k, v] : r.headers) {
    cookies += k == "Set-Cookie" ? 1 : 0;
    typed = typed || k == "Content-Type";
    if (k == "X-N") {
      CHECK(v == "5");
    }
  }
  CHECK(cookies == 2);
  CHECK(typed);  // defaulted
}

TEST_CASE("serve::map_function_result gives API Gateway's 500 for malformed answers",
          "[serve][apig]") {
  for (const char* bad :
       {"not json", "[1,2]", "\"hello\"", R"({"body":"x"})", R"({"statusCode":"200"})",
        R"({"statusCode":42})", R"({"statusCode":200,"body":{"a":1}})",
        R"({"statusCode":200,"headers":[1]})",
        R"({"statusCode":200,"body":"%%%","isBase64Encoded":true})"}) {
    INFO(bad);
    HttpResponseData r = map_function_result(bad, "rid-9");
    CHECK(r.status == 500);
    Json j = Json::parse(r.body);
    CHECK(j["request_id"] == "rid-9");
    CHECK(j.contains("error_msg"));
  }
}

TEST_CASE("serve::response_for maps failed invocations to gateway errors", "[serve][apig]") {
  sandbox::InvokeResult r;
  r.request_id = "rid";
  r.error = sandbox::error_body("ValueError", "boom");
  r.status = sandbox::InvokeStatus::function_error;
  CHECK(response_for(r).status == 500);
  CHECK(Json::parse(response_for(r).body)["errorMessage"] == "boom");
  CHECK(Json::parse(response_for(r).body)["request_id"] == "rid");
  r.status = sandbox::InvokeStatus::timeout;
  CHECK(response_for(r).status == 504);
  r.status = sandbox::InvokeStatus::oom;
  CHECK(response_for(r).status == 502);
  r.status = sandbox::InvokeStatus::killed;
  r.error = "not json";
  CHECK(response_for(r).status == 502);
  CHECK(Json::parse(response_for(r).body)["request_id"] == "rid");
}
