// SPDX-License-Identifier: Apache-2.0
// The gob codec for Go functions' net/rpc, against bytes produced by Go 1.19's encoding/gob.
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "../../sandbox/src/gob.hpp"

using namespace fstage::sandbox::detail;

namespace {

std::string hex(std::string_view text) {
  std::string out;
  std::istringstream in{std::string(text)};
  unsigned v = 0;
  while (in >> std::hex >> v) {
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

TEST_CASE("sandbox::gob integers round-trip", "[sandbox][gob]") {
  for (std::int64_t v : {0LL, 1LL, -1LL, 63LL, 64LL, 200LL, -65LL, 1LL << 40, -(1LL << 40)}) {
    std::string b;
    gob::put_int(b, v);
    std::string_view in(b);
    std::int64_t got = 0;
    REQUIRE(gob::get_int(in, got));
    CHECK(got == v);
    CHECK(in.empty());
  }
  std::string b;
  gob::put_uint(b, 256);
  CHECK(b == hex("fe 01 00"));
}

TEST_CASE("sandbox::gob encodes net/rpc requests exactly as Go does", "[sandbox][gob]") {
  gob::Encoder enc;
  CHECK(enc.request("Function.Invoke", 0) ==
        hex("2f ff 81 03 01 01 07 52 65 71 75 65 73 74 01 ff 82 00 01 02 01 0d 53 65 72 76 69 63 "
            "65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 00 00 14 ff 82 01 0f 46 75 6e "
            "63 74 69 6f 6e 2e 49 6e 76 6f 6b 65 00"));
  CHECK(enc.invoke_request(R"({"a":1})", {{"X-Cff-Request-Id", {"abc"}}}) ==
        hex("33 ff 83 03 01 01 0d 49 6e 76 6f 6b 65 52 65 71 75 65 73 74 01 ff 84 00 01 02 01 07 "
            "50 61 79 6c 6f 61 64 01 0a 00 01 06 48 65 61 64 65 72 01 ff 88 00 00 00 17 ff 87 04 "
            "01 01 06 48 65 61 64 65 72 01 ff 88 00 01 0c 01 ff 86 00 00 0c ff 85 02 01 02 ff 86 "
            "00 01 0c 00 00 24 ff 84 01 07 7b 22 61 22 3a 31 7d 01 01 10 58 2d 43 66 66 2d 52 65 "
            "71 75 65 73 74 2d 49 64 01 03 61 62 63 00"));
  // Types go out once per stream.
  CHECK(enc.request("Function.Invoke", 1) ==
        hex("16 ff 82 01 0f 46 75 6e 63 74 69 6f 6e 2e 49 6e 76 6f 6b 65 01 01 00"));
}

TEST_CASE("sandbox::gob decodes a server's responses and errors", "[sandbox][gob]") {
  gob::Decoder dec;
  // rpc.Response{Function.Invoke, 1} + InvokeResponse{200, "hi"}, then an error reply with
  // its empty-struct body, as Go's net/rpc server writes them.
  dec.feed(
      hex("3a ff 89 03 01 01 08 52 65 73 70 6f 6e 73 65 01 ff 8a 00 01 03 01 0d 53 65 72 76 "
          "69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 01 05 45 72 72 6f 72 "
          "01 0c 00 00 00 16 ff 8a 01 0f 46 75 6e 63 74 69 6f 6e 2e 49 6e 76 6f 6b 65 01 01 "
          "00"));
  auto resp = dec.next();
  REQUIRE(resp);
  CHECK(resp->str("ServiceMethod") == "Function.Invoke");
  CHECK(resp->fields.at("Seq").u == 1);
  CHECK(resp->str("Error").empty());
  CHECK_FALSE(dec.next());  // the body has not arrived yet
  dec.feed(
      hex("37 ff 8b 03 01 01 0e 49 6e 76 6f 6b 65 52 65 73 70 6f 6e 73 65 01 ff 8c 00 01 02 "
          "01 0a 53 74 61 74 75 73 43 6f 64 65 01 04 00 01 07 50 61 79 6c 6f 61 64 01 0a 00 "
          "00 00 0b ff 8c 01 fe 01 90 01 02 68 69 00"));
  auto body = dec.next();
  REQUIRE(body);
  CHECK(body->integer_of("StatusCode") == 200);
  CHECK(body->str("Payload") == "hi");
  dec.feed(
      hex("1c ff 8a 01 0f 46 75 6e 63 74 69 6f 6e 2e 49 6e 76 6f 6b 65 01 02 01 04 62 6f 6f "
          "6d 00 0a ff 8d 03 01 02 ff 8e 00 00 00 03 ff 8e 00"));
  auto err = dec.next();
  REQUIRE(err);
  CHECK(err->str("Error") == "boom");
  auto empty = dec.next();
  REQUIRE(empty);
  CHECK(empty->fields.empty());
  CHECK_FALSE(dec.error());
}
