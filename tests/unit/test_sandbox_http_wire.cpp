// SPDX-License-Identifier: Apache-2.0
// HTTP functions: reading the function's response as an HTTP client must (Content-Length,
// chunked, or until the server closes), and the result the platform gives for it.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/sandbox/triggers.hpp>

#include "../../sandbox/src/http_function.hpp"
#include "../../sandbox/src/http_wire.hpp"

using namespace fstage;
using namespace fstage::sandbox::detail;

TEST_CASE("HttpParser reads a response body until the server closes", "[sandbox][http]") {
  // What Python's http.server sends by default: HTTP/1.0, no Content-Length, then close.
  HttpParser p(true);
  p.feed(
      "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\nContent-Type: text/plain\r\n"
      "\r\nhello ");
  CHECK_FALSE(p.next());  // more may come until the close
  p.feed("world");
  CHECK_FALSE(p.next());
  p.set_eof();
  auto m = p.next();
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(m->body == "hello world");
  CHECK_FALSE(p.error());
}

TEST_CASE("HttpParser: a body cut short is an error, never an empty success", "[sandbox][http]") {
  SECTION("Content-Length larger than what arrived") {
    HttpParser p(true);
    p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    CHECK_FALSE(p.next());
    CHECK_FALSE(p.error());
    p.set_eof();
    CHECK_FALSE(p.next());
    CHECK(p.error());
  }
  SECTION("chunked without its last chunk") {
    HttpParser p(true);
    p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    CHECK_FALSE(p.next());
    p.set_eof();
    CHECK_FALSE(p.next());
    CHECK(p.error());
  }
  SECTION("a head cut short") {
    HttpParser p(true);
    p.feed("HTTP/1.1 200 OK\r\nContent-Ty");
    p.set_eof();
    CHECK_FALSE(p.next());
    CHECK(p.error());
  }
  SECTION("a malformed Content-Length") {
    HttpParser p(true);
    p.feed("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nabc");
    CHECK_FALSE(p.next());
    CHECK(p.error());
  }
}

TEST_CASE("HttpParser reads chunked bodies with extensions and trailers", "[sandbox][http]") {
  HttpParser p(true);
  p.feed(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n");
  auto m = p.next();
  REQUIRE(m);
  CHECK(m->body == "hello world");
  auto second = p.next();  // the trailer was consumed: the next response parses
  REQUIRE(second);
  CHECK(second->status == 204);
  CHECK(second->body.empty());
}

TEST_CASE("HttpParser: interim responses, HEAD and repeated headers", "[sandbox][http]") {
  HttpParser p(true);
  p.feed(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
      "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nok");
  auto m = p.next();
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(m->body == "ok");
  REQUIRE(m->fields.size() == 3);
  CHECK(m->fields[1] == std::pair<std::string, std::string>("Set-Cookie", "a=1"));
  CHECK(m->fields[2] == std::pair<std::string, std::string>("Set-Cookie", "b=2"));

  HttpParser head(true);
  head.set_head_request(true);
  head.feed("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");
  auto h = head.next();
  REQUIRE(h);  // a response to HEAD has no body, whatever Content-Length says
  CHECK(h->body.empty());
}

TEST_CASE("apig_result_for gives the platform's result for an HTTP function", "[sandbox][http]") {
  HttpParser p(true);
  p.feed(
      "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nDate: Mon, 21 Sep 2026 "
      "09:44:27 GMT\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nConnection: keep-alive\r\n"
      "Content-Length: 11\r\n\r\n{\"k\": \"v\"}\n");
  auto m = p.next();
  REQUIRE(m);
  Json r = Json::parse(apig_result_for(*m));
  CHECK(r["statusCode"] == 201);
  CHECK(r["isBase64Encoded"] == true);
  CHECK(r["body"] == sandbox::base64_encode("{\"k\": \"v\"}\n"));
  CHECK(r["headers"]["Set-Cookie"] == Json::array({"a=1", "b=2"}));
  CHECK(r["headers"]["Content-Type"] == Json::array({"application/json"}));
  CHECK(r["headers"]["Date"] == Json::array({"Mon, 21 Sep 2026 09:44:27 GMT"}));
  CHECK(r["headers"]["Content-Length"] == Json::array({"11"}));
  CHECK_FALSE(r["headers"].contains("Connection"));
  CHECK(canonical_header_name("x-cff-request-id") == "X-Cff-Request-Id");
  CHECK(canonical_header_name("bad name") == "bad name");
}

TEST_CASE("http_request_for takes an event with wrongly typed fields", "[sandbox][http]") {
  sandbox::InvokeRequest req;
  req.request_id = "r";
  req.event = R"({"httpMethod": "GET", "path": 5, "isBase64Encoded": "yes", "body": "b"})";
  sandbox::FunctionSpec spec;
  std::string wire;
  REQUIRE_NOTHROW(wire = http_request_for(req, spec));
  CHECK(wire.rfind("GET / HTTP/1.1\r\n", 0) == 0);
}
