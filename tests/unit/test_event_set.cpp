// SPDX-License-Identifier: Apache-2.0
// `--set path=value` on sample events (sandbox::apply_assignments).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/scaffolds/templates.hpp>

using namespace fstage;
using sandbox::apply_assignments;

namespace {

OrderedJson sample(const char* name) {
  auto text = scaffolds::sample_event(name);
  REQUIRE(text);
  return OrderedJson::parse(*text);
}

Expected<OrderedJson> set(OrderedJson e, std::vector<std::string> a) {
  return apply_assignments(std::move(e), a);
}

}  // namespace

TEST_CASE("sandbox::apply_assignments keeps a string a string", "[event]") {
  auto e = set(OrderedJson{{"name", "x"}, {"n", 1}}, {"name=42", "n=7", "extra=true", "text=hi"});
  REQUIRE(e);
  CHECK((*e)["name"] == "42");
  CHECK((*e)["n"] == 7);
  CHECK((*e)["extra"] == true);
  CHECK((*e)["text"] == "hi");
}

TEST_CASE("sandbox::apply_assignments walks objects and arrays", "[event]") {
  auto e =
      set(sample("obs"), {"Records[0].s3.object.key=photo.jpg", "Records[0].s3.object.size=9"});
  REQUIRE(e);
  CHECK((*e)["Records"][0]["s3"]["object"]["key"] == "photo.jpg");
  CHECK((*e)["Records"][0]["s3"]["object"]["size"] == 9);
  auto h = set(sample("apig"), {"headers.x-real-ip=10.0.0.1", "queryStringParameters[\"a.b\"]=1"});
  REQUIRE(h);
  CHECK((*h)["headers"]["x-real-ip"] == "10.0.0.1");
}

TEST_CASE("sandbox::apply_assignments rejects bad paths and mistyped values", "[event]") {
  auto e = set(OrderedJson{{"n", 1}, {"a", OrderedJson::array()}}, {"n=abc"});
  REQUIRE_FALSE(e);
  CHECK(e.error().code == ErrorCode::invalid_input);
  CHECK(e.error().message.find("n holds number") != std::string::npos);
  CHECK_FALSE(set(OrderedJson::object(), {"novalue"}));
  CHECK_FALSE(set(OrderedJson::object(), {"a..b=1"}));
  auto typo = set(sample("obs"), {"Records[0].obs.object.key=x"});
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("Records[0] has no key 'obs'") != std::string::npos);
  CHECK(typo.error().hint.find("s3") != std::string::npos);
  auto range = set(OrderedJson{{"a", OrderedJson::array()}}, {"a[3]=1"});
  REQUIRE_FALSE(range);
  CHECK(range.error().message.find("out of range") != std::string::npos);
}

TEST_CASE("sandbox::apply_assignments encodes an APIG base64 body for the user", "[event]") {
  auto e = set(sample("apig-base64"), {"body={\"name\":\"fstage\"}"});
  REQUIRE(e);
  CHECK((*e)["isBase64Encoded"] == true);
  auto decoded = sandbox::base64_decode((*e)["body"].get<std::string>());
  REQUIRE(decoded);
  CHECK(*decoded == "{\"name\":\"fstage\"}");
  auto plain = set(sample("apig"), {"body=hello"});
  REQUIRE(plain);
  CHECK((*plain)["body"] == "hello");
}

TEST_CASE("sandbox::apply_assignments edits LTS logs through both encodings", "[event]") {
  auto e = set(sample("lts"), {"lts.data.logs[0].message=disk full", "lts.data.owner=me"});
  REQUIRE(e);
  auto outer = sandbox::base64_decode((*e)["lts"]["data"].get<std::string>());
  REQUIRE(outer);
  auto doc = OrderedJson::parse(*outer);
  CHECK(doc["owner"] == "me");
  REQUIRE(doc["logs"].is_string());  // still a JSON string inside, as the platform sends it
  auto logs = OrderedJson::parse(doc["logs"].get<std::string>());
  CHECK(logs[0]["message"] == "disk full");
  CHECK(logs[0].contains("host_name"));
}

TEST_CASE("sandbox::base64 round-trips", "[event]") {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto d = sandbox::base64_decode(sandbox::base64_encode(s));
    REQUIRE(d);
    CHECK(*d == s);
  }
  CHECK(sandbox::base64_encode("hello") == "aGVsbG8=");
  CHECK_FALSE(sandbox::base64_decode("a*b"));
}

TEST_CASE("sandbox::apply_assignments: new APIG parameters are strings, as the gateway sends",
          "[event]") {
  // API Gateway sends ?q=1 as "1"; JSON only where the real field is not a string.
  auto e = set(sample("apig"), {"queryStringParameters.q=1", "pathParameters.id=42",
                                "headers.x-count=3", "requestContext.sourceIp=1.2.3.4",
                                "isBase64Encoded=true", "queryStringParameters.flag=true"});
  REQUIRE(e);
  CHECK((*e)["queryStringParameters"]["q"] == "1");
  CHECK((*e)["queryStringParameters"]["flag"] == "true");
  CHECK((*e)["pathParameters"]["id"] == "42");  // the sample's pathParameters is empty
  CHECK((*e)["headers"]["x-count"] == "3");
  CHECK((*e)["requestContext"]["sourceIp"] == "1.2.3.4");
  CHECK((*e)["isBase64Encoded"] == true);
  // A list of strings grows by strings; elsewhere a new key still takes JSON.
  auto l = set(OrderedJson{{"names", {"a"}}, {"n", 1}}, {"names[1]=2", "count=2"});
  REQUIRE(l);
  CHECK((*l)["names"][1] == "2");
  CHECK((*l)["count"] == 2);
}

TEST_CASE("sandbox::aim_at_route points an APIG sample at the function's route", "[event]") {
  OrderedJson e = sample("apig");
  sandbox::aim_at_route(e, "GET", "/users/{id}/files/{rest+}", {});
  CHECK(e["httpMethod"] == "GET");
  CHECK(e["path"] == "/users/id/files/rest");
  CHECK(e["pathParameters"]["id"] == "id");

  std::vector<std::string> sets = {"pathParameters.id=42"};
  auto s = set(sample("apig"), sets);
  REQUIRE(s);
  sandbox::aim_at_route(*s, "ANY", "/users/{id}", sets);
  CHECK((*s)["httpMethod"] == "POST");  // ANY: the sample's method stays
  CHECK((*s)["path"] == "/users/42");

  sets = {"path=/mine", "httpMethod=PUT"};
  auto kept = set(sample("apig"), sets);
  REQUIRE(kept);
  sandbox::aim_at_route(*kept, "GET", "/orders", sets);
  CHECK((*kept)["path"] == "/mine");
  CHECK((*kept)["httpMethod"] == "PUT");
}
