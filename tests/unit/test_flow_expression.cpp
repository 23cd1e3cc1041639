// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <catch2/catch.hpp>

#include <fstage/flow/expression.hpp>

using fstage::OrderedJson;
using namespace fstage::flow;

namespace {

OrderedJson j(const char* text) {
  return OrderedJson::parse(text);
}

// The syntax error of `text` parsed by `parse`, failing the test when it parses.
template <typename F>
SyntaxError error_of(F parse, std::string_view text) {
  auto r = parse(text);
  INFO("expression: " << text);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

auto path_parser = [](std::string_view t) { return parse_path(t); };
auto arg_parser = [](std::string_view t) { return parse_argument(t); };
auto cond_parser = [](std::string_view t) { return parse_condition(t); };

std::optional<OrderedJson> sel(const char* path, const OrderedJson& data,
                               const OrderedJson& constants = OrderedJson::object()) {
  auto p = parse_path(path);
  REQUIRE(p.has_value());
  return select(*p, data, constants);
}

bool cond(const char* text, const OrderedJson& data) {
  auto c = parse_condition(text);
  INFO("condition: " << text);
  REQUIRE(c.has_value());
  return holds(*c, data, OrderedJson::object());
}

}  // namespace

TEST_CASE("flow::parse_path reads the forms the platform's flows write", "[flow][expression]") {
  auto root = parse_path("$");
  REQUIRE(root);
  CHECK(root->is_root());
  CHECK(root->text == "$");

  auto p = parse_path("$.a.b[0]['c d'][-1][*].x");
  REQUIRE(p);
  CHECK_FALSE(p->constants);
  REQUIRE(p->steps.size() == 7);
  CHECK(p->steps[0].key == "a");
  CHECK(p->steps[2].kind == PathStep::Kind::index);
  CHECK(p->steps[2].index == 0);
  CHECK(p->steps[3].key == "c d");
  CHECK(p->steps[4].index == -1);
  CHECK(p->steps[5].kind == PathStep::Kind::wildcard);
  CHECK(p->steps[6].key == "x");

  auto c = parse_path("$CONST.limits.max");
  REQUIRE(c);
  CHECK(c->constants);
  CHECK(c->steps.size() == 2);

  auto whole = parse_path("$CONST");
  REQUIRE(whole);
  CHECK(whole->constants);
  CHECK(whole->steps.empty());

  CHECK(parse_path("$.a-b_c.$d")->steps[0].key == "a-b_c");
  CHECK(parse_path("$.订单.金额")->steps[1].key == "金额");
  CHECK(parse_path("$[\"x\"]")->steps[0].key == "x");
  CHECK(parse_path("$['it\\'s']")->steps[0].key == "it's");
  CHECK(parse_path("$.arr.*")->steps[1].kind == PathStep::Kind::wildcard);
  CHECK(parse_path("$[ 2 ]")->steps[0].index == 2);
  CHECK(parse_path("  $.a  ")->steps.size() == 1);
}

TEST_CASE("flow::parse_path names the offset and what was expected", "[flow][expression]") {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* expected_part;
  };
  const Case cases[] = {
      {"", 0, "'$'"},
      {"a.b", 0, "'$'"},
      {"$a", 1, "'.'"},
      {"$.", 2, "a key"},
      {"$.a.", 4, "a key"},
      {"$..a", 2, "a key"},
      {"$.a[", 4, "a whole number"},
      {"$.a[x]", 4, "a whole number"},
      {"$.a[0", 5, "']'"},
      {"$.a[0 1]", 6, "']'"},
      {"$.a['b]", 4, "a closing '"},
      {"$.a['b\\n']", 7, "\\\\"},
      {"$.a[-]", 5, "a whole number"},
      {"$.a[99999999999999999999]", 4, "a smaller index"},
      {"$.a b", 4, "the end"},
      {"$.a | 1", 4, "the end of the path"},
      {"$.a)", 3, "'.', '['"},
      {"$CONSTX", 1, "'.'"},
      {"$.订单.", 5, "a key"},
  };
  for (const auto& c : cases) {
    auto e = error_of(path_parser, c.text);
    INFO("path: '" << c.text << "' -> " << e.message << " (expected " << e.expected << ")");
    CHECK(e.offset == c.offset);
    CHECK(e.expected.find(c.expected_part) != std::string::npos);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("flow::parse_argument reads '<path> | <fallback>'", "[flow][expression]") {
  auto plain = parse_argument("$.test");
  REQUIRE(plain);
  CHECK_FALSE(plain->fallback);
  CHECK_FALSE(plain->fallback_constant);

  auto num = parse_argument("$.n | 42");
  REQUIRE(num);
  CHECK(*num->fallback == OrderedJson(42));
  CHECK(num->fallback->is_number_integer());
  CHECK(*parse_argument("$.n|-1.5e2")->fallback == OrderedJson(-150.0));
  CHECK(*parse_argument("$.s | 'a | b'")->fallback == OrderedJson("a | b"));
  CHECK(*parse_argument("$.s | ''")->fallback == OrderedJson(""));
  CHECK(*parse_argument("$.b | true")->fallback == OrderedJson(true));
  CHECK(*parse_argument("$.b | false")->fallback == OrderedJson(false));
  auto k = parse_argument("$.region | $CONST.defaults.region");
  REQUIRE(k);
  REQUIRE(k->fallback_constant);
  CHECK(k->fallback_constant->steps.size() == 2);
  CHECK(parse_argument("$CONST.a")->path.constants);
}

TEST_CASE("flow::parse_argument rejects malformed fallbacks at their offset",
          "[flow][expression]") {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* expected_part;
  };
  const Case cases[] = {
      {"$.a |", 5, "a number"},
      {"$.a | ", 6, "a number"},
      {"$.a | abc", 6, "'single-quoted string'"},
      {"$.a | 'abc", 6, "a closing '"},
      {"$.a | 1 2", 8, "the end"},
      {"$.a | 1.", 8, "a digit"},
      {"$.a | 1e", 8, "a digit"},
      {"$.a | -", 7, "a digit"},
      {"$.a | null", 6, "a number"},
      {"$.a | $.b", 6, "$CONST"},
      {"$.a | $CONST.", 13, "a key"},
      {"$.a || 1", 5, "a number"},
      {"$.a 1", 4, "'| fallback'"},
      {"'x' | 1", 0, "'$'"},
      {"$.a | truex", 6, "'single-quoted string'"},
      {"$.a | 1e999", 6, "a double"},
  };
  for (const auto& c : cases) {
    auto e = error_of(arg_parser, c.text);
    INFO("argument: '" << c.text << "' -> " << e.message << " (expected " << e.expected << ")");
    CHECK(e.offset == c.offset);
    CHECK(e.expected.find(c.expected_part) != std::string::npos);
  }
}

TEST_CASE("flow::parse_condition reads '<path> <op> <value>'", "[flow][expression]") {
  auto c = parse_condition("$.age >= 20");
  REQUIRE(c);
  CHECK(c->op == ">=");
  CHECK(c->value == OrderedJson(20));
  auto tight = parse_condition("$.input<2");
  REQUIRE(tight);
  CHECK(tight->op == "<");
  CHECK(parse_condition("$.s == 'gold'")->value == OrderedJson("gold"));
  CHECK(parse_condition("$.s != \"x\"")->value == OrderedJson("x"));
  CHECK(parse_condition("$.b == true")->value == OrderedJson(true));
  CHECK(parse_condition("$.n == null")->value.is_null());
  CHECK(parse_condition("$.n <= -3.5")->value == OrderedJson(-3.5));
  CHECK(parse_condition("$['a b'] > 1")->path.steps[0].key == "a b");
}

TEST_CASE("flow::parse_condition rejects malformed conditions at their offset",
          "[flow][expression]") {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* expected_part;
  };
  const Case cases[] = {
      {"$.a", 3, "=="},
      {"$.a = 1", 4, "=="},
      {"$.a =< 1", 4, "=="},
      {"$.a ~ 1", 4, "=="},
      {"$.a ==", 6, "a number"},
      {"$.a == gold", 7, "'single-quoted string'"},
      {"$.a == 'gold", 7, "a closing '"},
      {"$.a == 1 && $.b == 2", 9, "the end"},
      {"age > 1", 0, "'$'"},
      {"$.a[ > 1", 5, "a whole number"},
  };
  for (const auto& c : cases) {
    auto e = error_of(cond_parser, c.text);
    INFO("condition: '" << c.text << "' -> " << e.message << " (expected " << e.expected << ")");
    CHECK(e.offset == c.offset);
    CHECK(e.expected.find(c.expected_part) != std::string::npos);
  }
}

TEST_CASE("flow::select walks keys, indexes and wildcards", "[flow][expression]") {
  auto data = j(R"({"a":{"b":[10,20,30]},"arr":[{"x":1},{"y":2},{"x":3}],"a b":"sp",
                    "nested":[[1,2],[3]],"o":{"p":1,"q":2}})");
  CHECK(*sel("$", data) == data);
  CHECK(*sel("$.a.b[0]", data) == OrderedJson(10));
  CHECK(*sel("$.a.b[-1]", data) == OrderedJson(30));
  CHECK(*sel("$.a.b[-3]", data) == OrderedJson(10));
  CHECK_FALSE(sel("$.a.b[-4]", data));
  CHECK_FALSE(sel("$.a.b[3]", data));
  CHECK(*sel("$['a b']", data) == OrderedJson("sp"));
  CHECK(*sel("$.arr[*].x", data) == j("[1,3]"));
  CHECK(*sel("$.nested[*][*]", data) == j("[1,2,3]"));
  CHECK(*sel("$.o.*", data) == j("[1,2]"));
  CHECK(*sel("$.arr[*].z", data) == j("[]"));
  CHECK_FALSE(sel("$.missing[*]", data));
  CHECK_FALSE(sel("$.missing", data));
  CHECK_FALSE(sel("$.a.b.c", data));  // key into an array
  CHECK_FALSE(sel("$.a[0]", data));   // index into an object
  CHECK(*sel("$CONST.k", data, j(R"({"k":"v"})")) == OrderedJson("v"));
  CHECK_FALSE(sel("$CONST.a", data, j("{}")));
  // JSON null is a value that exists, not "nothing".
  CHECK(sel("$.n", j(R"({"n":null})"))->is_null());
}

TEST_CASE("flow::evaluate takes the fallback only when the path selects nothing",
          "[flow][expression]") {
  auto constants = j(R"({"region":"cn-north-4"})");
  auto eval = [&](const char* text, const OrderedJson& data) {
    auto a = parse_argument(text);
    REQUIRE(a);
    return evaluate(*a, data, constants);
  };
  CHECK(*eval("$.n | 5", j(R"({"n":1})")) == OrderedJson(1));
  CHECK(*eval("$.n | 5", j("{}")) == OrderedJson(5));
  CHECK(eval("$.n | 5", j(R"({"n":null})"))->is_null());
  CHECK(*eval("$.r | $CONST.region", j("{}")) == OrderedJson("cn-north-4"));
  CHECK_FALSE(eval("$.r | $CONST.none", j("{}")));
  CHECK_FALSE(eval("$.r", j("{}")));
  CHECK(*eval("$CONST.region", j("{}")) == OrderedJson("cn-north-4"));
}

TEST_CASE("flow::holds compares as flow/SEMANTICS.md says", "[flow][expression]") {
  auto d = j(R"({"age":20,"f":1.0,"s":"gold","b":true,"n":null})");
  CHECK(cond("$.age >= 20", d));
  CHECK_FALSE(cond("$.age > 20", d));
  CHECK(cond("$.age < 20.5", d));
  CHECK(cond("$.age <= 20", d));
  CHECK(cond("$.age == 20.0", d));
  CHECK(cond("$.f == 1", d));
  CHECK(cond("$.s == 'gold'", d));
  CHECK(cond("$.s != 'silver'", d));
  CHECK_FALSE(cond("$.s > 'silver'", d));
  CHECK(cond("$.s < 'silver'", d));
  // No coercion between strings and numbers.
  CHECK_FALSE(cond("$.age == '20'", d));
  CHECK(cond("$.age != '20'", d));
  CHECK_FALSE(cond("$.s > 1", d));
  CHECK_FALSE(cond("$.s < 1", d));
  CHECK(cond("$.b == true", d));
  // Large integers compare exactly, not through a double.
  auto big = j(R"({"id":9007199254740993})");
  CHECK_FALSE(cond("$.id == 9007199254740992", big));
  CHECK(cond("$.id > 9007199254740992", big));
  CHECK_FALSE(cond("$.b > false", d));
  CHECK(cond("$.n == null", d));
  // A missing path reads as null: equal to null, ordered against nothing.
  CHECK(cond("$.missing == null", d));
  CHECK_FALSE(cond("$.missing != null", d));
  CHECK_FALSE(cond("$.missing < 1", d));
  CHECK_FALSE(cond("$.missing >= 0", d));
}

TEST_CASE("flow::assign writes at a path, making objects on the way", "[flow][expression]") {
  auto write = [](const char* path, OrderedJson data, OrderedJson value) {
    auto p = parse_path(path);
    REQUIRE(p);
    bool ok = assign(*p, data, std::move(value));
    return std::make_pair(ok, data);
  };
  CHECK(write("$.result", j(R"({"a":1})"), j("[1]")).second == j(R"({"a":1,"result":[1]})"));
  CHECK(write("$.x.y", j("{}"), OrderedJson(1)).second == j(R"({"x":{"y":1}})"));
  CHECK(write("$.arr[1]", j(R"({"arr":[0,0]})"), OrderedJson(5)).second == j(R"({"arr":[0,5]})"));
  CHECK(write("$", j(R"({"a":1})"), OrderedJson(2)).second == OrderedJson(2));
  CHECK_FALSE(write("$.arr[5]", j(R"({"arr":[]})"), OrderedJson(1)).first);
  CHECK_FALSE(write("$.a.b", j(R"({"a":3})"), OrderedJson(1)).first);
  CHECK_FALSE(write("$[*]", j("[]"), OrderedJson(1)).first);
  CHECK_FALSE(write("$CONST.a", j("{}"), OrderedJson(1)).first);
}
