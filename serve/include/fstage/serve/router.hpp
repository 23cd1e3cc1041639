// SPDX-License-Identifier: Apache-2.0
// APIG routing: a request's method and path to the function behind it, with path parameters.
// Paths are the manifest's APIG trigger paths: literal segments, `{name}` (one segment) and a
// last `{name+}` (one or more segments). A literal segment beats a parameter, a parameter
// beats a greedy one, and an exact method beats ANY.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fstage::serve {

// A stable 32-hex apiId (the platform's form) for a route of `owner` (a function's name, or
// "flow NAME"), its method and path: the same across restarts of serve.
std::string stable_api_id(const std::string& owner, const std::string& method,
                          const std::string& path);

struct Route {
  std::string function;        // "" for a flow's route
  std::string flow;            // a flow's APIG trigger: the flow it starts (flows.hpp)
  std::string method = "ANY";  // GET, POST, ..., or ANY
  std::string path;            // "/users/{id}/files/{rest+}"
  int timeout_ms = 5000;       // the APIG trigger's backend timeout
  std::string api_id;          // stable per route, for requestContext.apiId
  bool cors = false;           // the APIG trigger's `cors`: the gateway's CORS (cors.hpp)
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> path_parameters;
};

class Router {
 public:
  void add(Route route);
  // The best route for `method` and `path` (a path without the query), or nullopt.
  std::optional<RouteMatch> match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return m_routes; }

 private:
  struct Segment {
    enum class Kind { literal, param, greedy };
    Kind kind = Kind::literal;
    std::string text;  // the literal, or the parameter's name
  };
  struct Compiled {
    std::vector<Segment> segments;
  };
  std::vector<Route> m_routes;
  std::vector<Compiled> m_compiled;
};

// The non-empty segments of a path: "/a//b/" -> {"a", "b"}.
std::vector<std::string> path_segments(std::string_view path);

}  // namespace fstage::serve
