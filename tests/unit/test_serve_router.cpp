// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/serve/router.hpp>

using namespace fstage::serve;

namespace {

Router make(std::initializer_list<std::tuple<const char*, const char*, const char*>> routes) {
  Router r;
  for (const auto& [fn, method, path] : routes) {
    Route route;
    route.function = fn;
    route.method = method;
    route.path = path;
    r.add(route);
  }
  return r;
}

std::string fn_for(const Router& r, const char* method, const char* path) {
  auto m = r.match(method, path);
  return m ? m->route->function : "<none>";
}

}  // namespace

TEST_CASE("serve::Router matches literal paths and methods", "[serve][router]") {
  Router r = make({{"list", "GET", "/orders"}, {"add", "POST", "/orders"}, {"any", "ANY", "/x"}});
  CHECK(fn_for(r, "GET", "/orders") == "list");
  CHECK(fn_for(r, "POST", "/orders") == "add");
  CHECK(fn_for(r, "DELETE", "/orders") == "<none>");
  CHECK(fn_for(r, "PATCH", "/x") == "any");
  CHECK(fn_for(r, "GET", "/orders/1") == "<none>");
  CHECK(fn_for(r, "GET", "/order") == "<none>");
  CHECK(fn_for(r, "GET", "/orders/") == "list");  // a trailing slash is the same path
}

TEST_CASE("serve::Router extracts {param} and {param+} path parameters", "[serve][router]") {
  Router r = make({{"user", "GET", "/users/{id}"},
                   {"file", "ANY", "/files/{path+}"},
                   {"pair", "GET", "/a/{x}/b/{y}"}});
  auto m = r.match("GET", "/users/42");
  REQUIRE(m);
  CHECK(m->path_parameters.at("id") == "42");
  CHECK_FALSE(r.match("GET", "/users"));
  CHECK_FALSE(r.match("GET", "/users/42/x"));

  m = r.match("PUT", "/files/a/b/c.txt");
  REQUIRE(m);
  CHECK(m->route->function == "file");
  CHECK(m->path_parameters.at("path") == "a/b/c.txt");
  CHECK_FALSE(r.match("PUT", "/files"));  // greedy needs at least one segment

  m = r.match("GET", "/a/1/b/2");
  REQUIRE(m);
  CHECK(m->path_parameters.at("x") == "1");
  CHECK(m->path_parameters.at("y") == "2");
}

TEST_CASE("serve::Router prefers literal over parameter over greedy, exact over ANY",
          "[serve][router]") {
  Router r = make({{"greedy", "ANY", "/{all+}"},
                   {"param", "GET", "/users/{id}"},
                   {"literal", "GET", "/users/me"},
                   {"any-me", "ANY", "/users/me"},
                   {"root", "GET", "/"}});
  CHECK(fn_for(r, "GET", "/users/me") == "literal");
  CHECK(fn_for(r, "POST", "/users/me") == "any-me");
  CHECK(fn_for(r, "GET", "/users/7") == "param");
  CHECK(fn_for(r, "POST", "/users/7") == "greedy");
  CHECK(fn_for(r, "GET", "/") == "root");
  CHECK(fn_for(r, "POST", "/") == "<none>");
  CHECK(fn_for(r, "GET", "/deep/er/path") == "greedy");
}

TEST_CASE("serve::path_segments drops empty segments", "[serve][router]") {
  CHECK(path_segments("/").empty());
  CHECK(path_segments("").empty());
  CHECK(path_segments("/a//b/") == std::vector<std::string>{"a", "b"});
}
