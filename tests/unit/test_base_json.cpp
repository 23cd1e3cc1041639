// SPDX-License-Identifier: Apache-2.0
// parse_json never throws: whatever it refuses is invalid_input with origin:line:column.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>

using namespace fstage;

namespace {

bool has(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// The error of parsing `text`, both flavours agreeing; "" when it parses.
std::string error_of(const std::string& text) {
  Expected<Json> j;
  Expected<OrderedJson> o;
  REQUIRE_NOTHROW(j = parse_json(text, "e.json"));
  REQUIRE_NOTHROW(o = parse_ordered_json(text, "e.json"));
  REQUIRE(j.has_value() == o.has_value());
  if (j) {
    return "";
  }
  CHECK(j.error().code == ErrorCode::invalid_input);
  CHECK(j.error().message == o.error().message);
  return j.error().message;
}

}  // namespace

TEST_CASE("parse_json: a number no double holds is invalid input at its position", "[base][json]") {
  CHECK(has(error_of("{\"a\": 1e400}"), "e.json:1:7: the number 1e400 is out of range"));
  CHECK(has(error_of("[1,\n  -2.5E+999]"), "e.json:2:3: the number -2.5E+999 is out of range"));
  // Integers past 64 bits still fit a double (with less precision): accepted, as by the
  // platform's runtimes; tiny numbers round to 0.
  CHECK(error_of("123456789012345678901234567890") == "");
  CHECK(error_of("-123456789012345678901234567890") == "");
  CHECK(error_of("1e-400") == "");
}

TEST_CASE("parse_json: nesting is limited", "[base][json]") {
  CHECK(error_of(nested(k_max_json_depth)) == "");
  std::string deep = "{\"a\": \"[[[\",\n \"b\": " + nested(k_max_json_depth) + "}";
  std::string e = error_of(deep);
  // The object is level 1, so the 10000th '[' (column 7 + 9999) opens level 10001.
  CHECK(has(e, "e.json:2:" + std::to_string(6 + k_max_json_depth) + ": JSON nested more"));
  CHECK(has(error_of(std::string(100000, '[')), "e.json:1:10001: JSON nested more than 10000"));
}

TEST_CASE("parse_json: syntax, encoding and NUL bytes point at the byte", "[base][json]") {
  CHECK(has(error_of("{\n  \"a\": 1,\n  \"b\": ,\n}\n"), "e.json:3:8: invalid JSON"));
  CHECK(has(error_of("{\"a\": \"\xff\"}"), "e.json:1:8: invalid JSON"));
  // nlohmann alone stops at a NUL byte and accepts what came before.
  CHECK(has(error_of(std::string("{\"a\": 1}\0x", 10)), "e.json:1:9: invalid JSON: a NUL byte"));
  CHECK(has(error_of(std::string("{\"a\": \"x\0y\"}", 12)), "e.json:1:9: invalid JSON"));
  CHECK(has(error_of(""), "e.json:1:1: invalid JSON"));
  // A long string in the message is cut short.
  std::string e = error_of("\"" + std::string(100000, 'x'));
  CHECK(has(e, "invalid JSON"));
  CHECK(e.size() < 400);
}

TEST_CASE("parse_json: a BOM and duplicate keys are accepted", "[base][json]") {
  CHECK(error_of("\xEF\xBB\xBF{\"a\": 1}") == "");
  auto j = parse_json("{\"a\": 1, \"a\": 2}", "e.json");
  REQUIRE(j);
  CHECK((*j)["a"] == 2);
  std::string text = "\xEF\xBB\xBF{}";
  CHECK(strip_bom(text));
  CHECK(text == "{}");
  CHECK_FALSE(strip_bom(text));
}

TEST_CASE("value_or and text_or fall back on a wrong type instead of throwing", "[base][json]") {
  Json j = parse_json(R"({"n": "7", "s": 5, "b": "yes", "ok": 3, "t": "x"})", "e.json").value();
  CHECK(value_or(j, "n", 1) == 1);
  CHECK(value_or(j, "ok", 1) == 3);
  CHECK(value_or(j, "b", false) == false);
  CHECK(value_or(j, "missing", 9) == 9);
  CHECK(text_or(j, "s", "d") == "d");
  CHECK(text_or(j, "t") == "x");
  CHECK(text_or(Json(5), "t") == "");
  CHECK(value_or(Json::array(), "n", 2) == 2);
}
