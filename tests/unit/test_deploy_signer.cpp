// SPDX-License-Identifier: Apache-2.0
// The signing vectors of PLATFORM.md §5.3, reproduced stage by stage.
#include <chrono>

#include <catch2/catch.hpp>

#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/signer.hpp>

using namespace fstage::deploy;

namespace {

constexpr const char* k_ak = "AKTESTEXAMPLE0000000";
constexpr const char* k_sk = "SKTESTEXAMPLE0000000000000000000000000000";
constexpr const char* k_project = "0123456789abcdef0123456789abcdef";
constexpr const char* k_host = "functiongraph.cn-north-4.myhuaweicloud.com";

SignInput vector_a(std::string method, std::string path, Pairs query, std::string body) {
  SignInput in;
  in.method = std::move(method);
  in.path = std::move(path);
  in.query = std::move(query);
  in.headers = {{"X-Project-Id", k_project},
                {"X-Sdk-Date", "20240101T120000Z"},
                {"content-type", "application/json"},
                {"host", k_host}};
  in.body_sha256 = sha256_hex(body);
  return in;
}

SignInput vector_b(std::string method, Pairs query, std::string body) {
  SignInput in;
  in.method = std::move(method);
  in.path = "/path";
  in.query = std::move(query);
  in.headers = {{"X-Sdk-Date", "20060102T150405Z"}};
  in.body_sha256 = sha256_hex(body);
  return in;
}

const std::string k_go_body = "{\"Name\":\"test\",\"Id\":1}\n";

}  // namespace

TEST_CASE("deploy::sign reproduces vector A1 (sync invoke)", "[deploy][signer]") {
  const std::string path = std::string("/v2/") + k_project +
                           "/fgs/functions/urn:fss:cn-north-4:" + k_project +
                           ":function:default:hello:latest/invocations";
  SignInput in = vector_a("POST", path, {}, "{\"k\":\"v\"}");
  const std::string want_cr =
      "POST\n/v2/0123456789abcdef0123456789abcdef/fgs/functions/"
      "urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3A"
      "latest/invocations/\n\ncontent-type:application/json\nhost:functiongraph.cn-north-4."
      "myhuaweicloud.com\nx-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:"
      "20240101T120000Z\n\ncontent-type;host;x-project-id;x-sdk-date\n"
      "666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319";
  CHECK(canonical_request(in) == want_cr);
  CHECK(string_to_sign(want_cr, "20240101T120000Z") ==
        "SDK-HMAC-SHA256\n20240101T120000Z\n"
        "621e81be9632625c9dd5f43f0fd17b09e5263d1014d9e6c03c0f8b471c4a35a0");
  CHECK(authorization(in, k_ak, k_sk) ==
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000000, "
        "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=3a33c8a5a50c645329b16cd88b45fe48bb23228fe8e6c04871d606c522046780");
}

TEST_CASE("deploy::sign reproduces vector A2 (list functions)", "[deploy][signer]") {
  SignInput in = vector_a("GET", std::string("/v2/") + k_project + "/fgs/functions",
                          {{"maxitems", "10"}, {"marker", "0"}}, "");
  const std::string want_cr =
      "GET\n/v2/0123456789abcdef0123456789abcdef/fgs/functions/\nmarker=0&maxitems=10\n"
      "content-type:application/json\nhost:functiongraph.cn-north-4.myhuaweicloud.com\n"
      "x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T120000Z\n\n"
      "content-type;host;x-project-id;x-sdk-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  CHECK(canonical_request(in) == want_cr);
  CHECK(in.body_sha256 == k_empty_sha256);
  CHECK(string_to_sign(want_cr, "20240101T120000Z").substr(33) ==
        "ab729d7b26e6a9069a1a5f12fee0bfd80625111e2cacc6b29ae5dadf851b744f");
  CHECK(authorization(in, k_ak, k_sk) ==
        "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000000, "
        "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=d477b1c0dfe217316d1ba42c265379e0704343aaf6a0d91f14dad4df157e9f68");
}

TEST_CASE("deploy::sign reproduces the Go SDK vectors @54c11bc", "[deploy][signer]") {
  SECTION("GET with limit=1") {
    SignInput in = vector_b("GET", {{"limit", "1"}}, "");
    CHECK(canonical_request(in) ==
          "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
              std::string(k_empty_sha256));
    CHECK(signature("SecretKey", string_to_sign(canonical_request(in), "20060102T150405Z")) ==
          "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624");
  }
  SECTION("POST with key=value and a JSON body ending in a newline") {
    SignInput in = vector_b("POST", {{"key", "value"}}, k_go_body);
    CHECK(in.body_sha256 == "a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289");
    CHECK(canonical_request(in) ==
          "POST\n/path/\nkey=value\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" + in.body_sha256);
    CHECK(authorization(in, "AccessKey", "SecretKey") ==
          "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, "
          "Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59");
  }
}

TEST_CASE("deploy::sign reproduces the Go SDK vectors @d546e7a (no query)", "[deploy][signer]") {
  CHECK(
      authorization(vector_b("GET", {}, ""), "AccessKey", "SecretKey")
          .ends_with("Signature=eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76"));
  CHECK(
      authorization(vector_b("POST", {}, k_go_body), "AccessKey", "SecretKey")
          .ends_with("Signature=7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62"));
}

TEST_CASE("deploy::canonical_query reproduces the Go SDK canonicalisation test",
          "[deploy][signer]") {
  Pairs q = {{"test", "\xe4\xb8\x80 (&=?!#%.*)"},
             {"multi", "3"},
             {"path", "/tmp/123"},
             {"multi", "1"},
             {"limit", "1"},
             {"enable", "true"},
             {"multi", "2"}};
  CHECK(canonical_query(q) ==
        "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D"
        "%3F%21%23%25.%2A%29");
}

TEST_CASE("deploy::canonical_uri escapes segments and appends a slash", "[deploy][signer]") {
  CHECK(canonical_uri("") == "/");
  CHECK(canonical_uri("/") == "/");
  CHECK(canonical_uri("/a b/c:d/") == "/a%20b/c%3Ad/");
  CHECK(canonical_uri("/v3/projects") == "/v3/projects/");
}

TEST_CASE("deploy::canonical_headers lower-cases, trims and sorts", "[deploy][signer]") {
  Pairs h = {{"X-Sdk-Date", " 20240101T120000Z "}, {"Host", "h"}};
  CHECK(canonical_headers(h) == "host:h\nx-sdk-date:20240101T120000Z\n");
  CHECK(signed_headers(h) == "host;x-sdk-date");
}

TEST_CASE("deploy::format_sdk_date is UTC YYYYMMDDTHHMMSSZ", "[deploy][signer]") {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1704110400));
  CHECK(format_sdk_date(t) == "20240101T120000Z");
}

TEST_CASE("deploy::base64 round-trips and pads", "[deploy][crypto]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_decode("Zm9vYmE=").value() == "fooba");
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
  CHECK(sha512_hex("abc").substr(0, 16) == "ddaf35a193617aba");
}
