// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/serve/apig.hpp>
#include <fstage/serve/cors.hpp>

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

TEST_CASE("serve::response_for answers failed invocations as API Gateway does", "[serve][apig]") {
  sandbox::InvokeResult r;
  r.request_id = "rid";
  r.error = R"J({"errorMessage":"boom","errorType":"ValueError","stackTrace":)J"
            R"J(["File \"index.py\", line 3, in handler\n    raise ValueError('boom')"]})J";
  r.status = sandbox::InvokeStatus::function_error;
  HttpResponseData out = response_for(r);
  CHECK(out.status == 502);
  Json body = Json::parse(out.body);
  CHECK(body == Json{{"error_msg", "Backend unavailable"},
                     {"error_code", "APIG.0202"},
                     {"request_id", "rid"}});  // no message, type or trace for the client
  CHECK(out.body.find("index.py") == std::string::npos);
  // ...which go to the log instead.
  auto lines = error_log_lines(r);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "function error: ValueError: boom");
  CHECK(lines[1] == "  File \"index.py\", line 3, in handler");
  CHECK(lines[2] == "      raise ValueError('boom')");
  r.status = sandbox::InvokeStatus::timeout;
  CHECK(response_for(r).status == 504);
  CHECK(Json::parse(response_for(r).body)["error_code"] == "APIG.0201");
  r.status = sandbox::InvokeStatus::oom;
  CHECK(response_for(r).status == 502);
  r.status = sandbox::InvokeStatus::killed;
  r.error = "not json";
  CHECK(response_for(r).status == 502);
  CHECK(Json::parse(response_for(r).body)["request_id"] == "rid");
  CHECK(error_log_lines(r) == std::vector<std::string>{"killed: not json"});
}

TEST_CASE("serve::build_apig_event keeps every value of a repeated query key", "[serve][apig]") {
  Route route;
  route.path = "/s";
  RouteMatch m;
  m.route = &route;
  HttpRequestData d;
  d.method = "GET";
  d.path = "/s";
  d.query = {{"tag", "a"}, {"q", "x"}, {"tag", "b"}};
  Json e = Json::parse(build_apig_event(d, m, "req-2"));
  CHECK(e["queryStringParameters"] == Json{{"tag", "b"}, {"q", "x"}});
  CHECK(e["multiValueQueryStringParameters"] == Json{{"tag", {"a", "b"}}, {"q", {"x"}}});
  d.query = {{"q", "x"}};  // no repeated key: the single-value form alone, as captured
  CHECK_FALSE(
      Json::parse(build_apig_event(d, m, "req-3")).contains("multiValueQueryStringParameters"));
}

TEST_CASE("serve CORS: preflights and the gateway's headers", "[serve][apig]") {
  HttpRequestData d;
  d.method = "OPTIONS";
  d.headers = {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "post"}};
  CHECK(preflight_method(d) == "POST");
  d.headers.pop_back();
  CHECK_FALSE(preflight_method(d));  // a plain OPTIONS request is no preflight
  HttpResponseData p = preflight_response("rid");
  CHECK(p.status == 200);
  CHECK(p.body.empty());
  auto has = [](const HttpResponseData& r, const std::string& k, const std::string& v) {
    for (const auto& [name, value] : r.headers) {
      if (name == k) {
        return value == v;
      }
    }
    return false;
  };
  CHECK(has(p, "Access-Control-Allow-Origin", "*"));
  CHECK(has(p, "Access-Control-Max-Age", "172800"));
  CHECK(has(p, "Access-Control-Allow-Methods", "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH"));
  CHECK(has(p, "X-Request-Id", "rid"));
  HttpResponseData own;
  own.headers = {{"access-control-allow-origin", "https://example.com"}};
  add_cors_headers(own);
  CHECK(has(own, "access-control-allow-origin", "https://example.com"));  // the function's wins
  CHECK(own.headers.size() == 4);
}
