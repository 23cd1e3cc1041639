// SPDX-License-Identifier: Apache-2.0
// serve/httpd/wire.hpp without a socket: requests fed as bytes (whole, pipelined, a byte at a
// time), what is refused and with which status, and the heads the server writes.
#include <string>

#include <catch2/catch.hpp>

#include "wire.hpp"

using fstage::serve::HttpRequestData;
using namespace fstage::serve::httpd;

namespace {

// Feeds `bytes` as a connection would and returns the requests read, in order.
std::vector<WireRequest> read_all(RequestReader& r, std::string bytes, std::size_t piece = 0) {
  std::vector<WireRequest> out;
  std::string pending;
  std::size_t at = 0;
  while (at < bytes.size() || !pending.empty()) {
    if (at < bytes.size()) {
      const std::size_t n = piece == 0 ? bytes.size() - at : std::min(piece, bytes.size() - at);
      pending += bytes.substr(at, n);
      at += n;
    }
    for (;;) {
      const std::size_t used = r.feed(pending);
      pending.erase(0, used);
      if (r.complete()) {
        out.push_back(r.take());
        continue;
      }
      break;
    }
    if (r.failed() != 0 || (at == bytes.size() && !pending.empty() && !r.complete())) {
      break;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("httpd wire: a request's method, path, query, headers and body", "[serve][httpd]") {
  RequestReader r(1024);
  auto got = read_all(r,
                      "POST /a%20b/c?x=1&y=two+words&flag&=skipped&z=%41 HTTP/1.1\r\n"
                      "Host: h\r\nX-Empty:\r\nX-Trail: v  \r\nContent-Length: 5\r\n\r\nhello");
  REQUIRE(got.size() == 1);
  const HttpRequestData& d = got[0].data;
  CHECK(d.method == "POST");
  CHECK(d.path == "/a b/c");
  REQUIRE(d.query.size() == 4);
  CHECK(d.query[1] == std::pair<std::string, std::string>("y", "two words"));
  CHECK(d.query[2] == std::pair<std::string, std::string>("flag", ""));
  CHECK(d.query[3] == std::pair<std::string, std::string>("z", "A"));
  REQUIRE(d.headers.size() == 4);
  CHECK(d.headers[1] == std::pair<std::string, std::string>("X-Empty", ""));
  CHECK(d.headers[2] == std::pair<std::string, std::string>("X-Trail", "v"));
  CHECK(d.body == "hello");
  CHECK(got[0].keep_alive);
  CHECK_FALSE(got[0].head);
  CHECK_FALSE(d.body_too_large);
}

TEST_CASE("httpd wire: pipelined requests come one at a time, in order, split anywhere",
          "[serve][httpd]") {
  const std::string two =
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    RequestReader r(1024);
    // Whole: the first feed stops after the first request, the rest waits its turn.
    auto got = read_all(r, two, piece);
    REQUIRE(got.size() == 2);
    CHECK(got[0].data.path == "/one");
    CHECK(got[0].data.body.empty());
    CHECK(got[1].data.path == "/two");
    CHECK(got[1].data.body == "abcde");
  }
  RequestReader r(1024);
  const std::size_t used = r.feed(two);
  CHECK(r.complete());
  CHECK(used == std::string("GET /one HTTP/1.1\r\nHost: h\r\n\r\n").size());
  CHECK(r.feed(two.substr(used)) == 0);  // nothing more until the first is taken
}

TEST_CASE("httpd wire: bodies over the limit are marked, then refused", "[serve][httpd]") {
  RequestReader r(10);
  auto got = read_all(r, "POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n" + std::string(30, 'x'));
  REQUIRE(got.size() == 1);
  CHECK(got[0].data.body_too_large);
  CHECK(got[0].data.body.empty());
  // Past four times the limit: refused from the length alone, the body unread.
  RequestReader big(10);
  CHECK(big.feed("POST / HTTP/1.1\r\nContent-Length: 41\r\n\r\n") > 0);
  CHECK(big.failed() == 413);
  // A chunked body has no length to refuse early: refused once it passes the most read.
  RequestReader chunked(10);
  read_all(chunked, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n29\r\n" +
                        std::string(41, 'x') + "\r\n0\r\n\r\n");
  CHECK(chunked.failed() == 413);
}

TEST_CASE("httpd wire: what is refused, and with which status", "[serve][httpd]") {
  auto status = [](const std::string& bytes) {
    RequestReader r(1024);
    read_all(r, bytes);
    return r.failed();
  };
  CHECK(status("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == 0);
  CHECK(status("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") == 400);  // TLS to a plain port
  CHECK(status("TRACE / HTTP/1.1\r\n\r\n") == 501);
  CHECK(status("GET / HTTP/1.1\r\nX: " + std::string(300 * 1024, 'a') + "\r\n\r\n") == 431);
  CHECK(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        400);  // both framings: a smuggling attempt
  CHECK(status("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n") == 400);
}

TEST_CASE("httpd wire: keep-alive, HTTP/1.0, HEAD and Expect: 100-continue", "[serve][httpd]") {
  RequestReader r(1024);
  auto got = read_all(r, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  REQUIRE(got.size() == 1);
  CHECK_FALSE(got[0].keep_alive);
  RequestReader r10(1024);
  got = read_all(r10, "GET / HTTP/1.0\r\n\r\n");
  REQUIRE(got.size() == 1);
  CHECK(got[0].http10);
  CHECK_FALSE(got[0].keep_alive);
  RequestReader r10k(1024);
  got = read_all(r10k, "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  REQUIRE(got.size() == 1);
  CHECK(got[0].keep_alive);
  CHECK(got[0].head);
  RequestReader rc(1024);
  rc.feed("PUT /x HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n");
  CHECK(rc.take_continue());
  CHECK_FALSE(rc.take_continue());  // once
  CHECK_FALSE(rc.complete());
  rc.feed("abc");
  REQUIRE(rc.complete());
  CHECK(rc.take().data.body == "abc");
}

TEST_CASE("httpd wire: an answer's head", "[serve][httpd]") {
  std::string h;
  write_head(h, 201, {{"X-A", "1"}}, 5, false, false, false);
  CHECK(h.starts_with("HTTP/1.1 201 Created\r\nDate: "));
  CHECK(h.ends_with(" GMT\r\nX-A: 1\r\nContent-Length: 5\r\n\r\n"));
  h.clear();
  write_head(h, 200, {}, -1, false, false, false);
  CHECK(h.ends_with("\r\nTransfer-Encoding: chunked\r\n\r\n"));
  h.clear();
  write_head(h, 204, {}, 0, true, false, false);
  CHECK(h.find("Content-Length") == std::string::npos);
  CHECK(h.ends_with("\r\nConnection: close\r\n\r\n"));
  h.clear();
  write_head(h, 200, {}, 2, false, true, true);
  CHECK(h.ends_with("\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n"));
  h.clear();
  write_head(h, 599, {}, 0, false, false, false);
  CHECK(h.starts_with("HTTP/1.1 599 Unknown\r\n"));
  std::string chunk;
  append_chunk(chunk, "hello, world!!!!!");
  append_chunk(chunk, "");
  CHECK(chunk == "11\r\nhello, world!!!!!\r\n");
  CHECK(error_answer(413).starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
  CHECK(header_is_safe("X-A", "b"));
  CHECK_FALSE(header_is_safe("X-A", "b\r\nSet-Cookie: x"));
  CHECK_FALSE(header_is_safe("X:A", "b"));
  CHECK_FALSE(header_is_safe("", "b"));
  CHECK(uri_decode("%zz%4", false) == "%zz%4");
  CHECK(uri_decode("a+b%2Fc", false) == "a+b/c");
}
