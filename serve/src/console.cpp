// SPDX-License-Identifier: Apache-2.0
// The console's routes: the embedded page and its JSON API (console.hpp lists them).
#include <algorithm>
#include <charconv>
#include <unistd.h>

#include <fstage/flow/engine.hpp>
#include <fstage/flow/graph.hpp>
#include <fstage/serve/assets.hpp>
#include <fstage/serve/console.hpp>

namespace fstage::serve {

namespace {

constexpr std::string_view k_prefix = "/_fstage/";

HttpResponseData fresh_json(int status, const OrderedJson& body) {
  HttpResponseData r = json_response(status, body);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponseData error_response(int status, const std::string& code, const std::string& message) {
  OrderedJson j = OrderedJson::object();
  j["error_code"] = code;
  j["error_msg"] = message;
  return fresh_json(status, j);
}

std::size_t query_count(const HttpRequestData& d, std::string_view key, std::size_t fallback,
                        std::size_t most) {
  const std::string v = query_value(d, key);
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    return fallback;
  }
  return std::min(n, most);
}

std::string header_value(const HttpRequestData& d, std::string_view name) {
  const std::string* v = find_header(d, name);
  return v != nullptr ? *v : std::string();
}

// A file of the page: its ETag lets a browser keep it and ask again cheaply (304); no-cache
// makes it ask, so a newer fstage's page is never stale.
HttpResponseData asset_response(const HttpRequestData& d, const EmbeddedFile& f) {
  HttpResponseData r;
  r.headers.emplace_back("ETag", std::string(f.etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (header_value(d, "If-None-Match") == f.etag) {
    r.status = 304;
    return r;
  }
  r.headers.emplace_back("Content-Type", std::string(content_type_for(f.path)));
  r.body = std::string(f.data);
  return r;
}

std::string_view mode_name(flow::Mode m) {
  return m == flow::Mode::express ? "EXPRESS" : "NORMAL";
}

std::string_view kind_name(flow::GraphNode::Kind k) {
  using K = flow::GraphNode::Kind;
  switch (k) {
    case K::start:
      return "start";
    case K::operation:
      return "operation";
    case K::sleep:
      return "sleep";
    case K::end:
      return "end";
    case K::finish:
      return "finish";
    case K::decision:
      return "decision";
    case K::fork:
      return "fork";
    case K::join:
      return "join";
    case K::loop:
      return "loop";
    case K::collect:
      return "collect";
  }
  return "node";
}

OrderedJson functions_json(const ConsoleView& v) {
  OrderedJson out = OrderedJson::array();
  if (!v.manifest) {
    return out;
  }
  for (const auto& fn : v.manifest->functions) {
    OrderedJson f = OrderedJson::object();
    f["name"] = fn.name;
    f["runtime"] = std::string(fn.runtime.name);
    f["handler"] = fn.handler;
    f["memory"] = fn.memory;
    f["timeout"] = fn.timeout;
    f["description"] = fn.description;
    OrderedJson routes = OrderedJson::array();
    if (v.router) {
      for (const auto& r : v.router->routes()) {
        if (r.function == fn.name) {
          routes.push_back(OrderedJson{{"method", r.method}, {"path", r.path}});
        }
      }
    }
    f["routes"] = std::move(routes);
    OrderedJson triggers = OrderedJson::array();
    for (const auto& t : fn.triggers) {
      OrderedJson tj = OrderedJson::object();
      tj["type"] = t.type;
      for (auto it = t.fields.begin(); it != t.fields.end(); ++it) {
        if (it.key() != "type") {
          tj[it.key()] = it.value();
        }
      }
      triggers.push_back(std::move(tj));
    }
    f["triggers"] = std::move(triggers);
    if (auto p = v.pools.find(fn.name); p != v.pools.end()) {
      f["instances"] = OrderedJson{{"running", p->second.workers},
                                   {"busy", p->second.busy},
                                   {"queued", p->second.queued},
                                   {"reserved", p->second.reserved_ready}};
    }
    out.push_back(std::move(f));
  }
  return out;
}

OrderedJson flows_json(const std::vector<flow::Definition>& flows) {
  OrderedJson out = OrderedJson::array();
  for (const auto& def : flows) {
    OrderedJson f = OrderedJson::object();
    f["name"] = def.name;
    f["id"] = flow::stable_workflow_id(def.name);
    f["mode"] = mode_name(def.mode);
    f["description"] = def.description;
    f["start"] = def.start;
    f["states"] = def.states.size();
    OrderedJson triggers = OrderedJson::array();
    for (const auto& t : def.triggers) {
      triggers.push_back(OrderedJson{
          {"name", t.name}, {"type", t.type}, {"enabled", t.enabled}, {"config", t.config}});
    }
    f["triggers"] = std::move(triggers);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

Console::Console(EventBus& bus, FlowService& flows, ConsoleSnapshot snapshot,
                 ConsoleOptions options)
    : m_bus(bus), m_flows(flows), m_snapshot(std::move(snapshot)), m_options(options) {
  m_watcher = std::thread([this] { watch_flows(); });
}

Console::~Console() {
  stop();
  if (m_watcher.joinable()) {
    m_watcher.join();
  }
}

void Console::stop() {
  m_stopping = true;
  m_bus.close();
}

std::optional<HttpResponseData> Console::answer(const HttpRequestData& d) {
  std::string_view path = d.path;
  if (!path.starts_with(k_prefix)) {
    return std::nullopt;
  }
  path.remove_prefix(k_prefix.size());
  const bool api = path.starts_with("api/");
  const bool ours = api || path == "events" || find_console_file(path) != nullptr;
  if (!ours) {
    return std::nullopt;  // another part of serve's (metrics), or its 404
  }
  if (d.method != "GET" && d.method != "HEAD") {
    auto r = error_response(405, "FSTAGE.405", "the console's routes are read-only: GET only");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "events") {
    return events(d);
  }
  if (api) {
    path.remove_prefix(4);
    return answer_api(d, path);
  }
  return asset_response(d, *find_console_file(path));
}

std::optional<HttpResponseData> Console::answer_api(const HttpRequestData& d,
                                                    std::string_view path) {
  if (path == "functions") {
    return fresh_json(200, functions_json(m_snapshot()));
  }
  if (path == "invocations") {
    OrderedJson list = OrderedJson::array();
    for (const auto& r :
         m_bus.recent_invocations(query_value(d, "function"), query_count(d, "limit", 50, 1000))) {
      list.push_back(to_json(r));
    }
    return fresh_json(200, OrderedJson{{"invocations", std::move(list)}});
  }
  if (path == "logs") {
    OrderedJson lines = OrderedJson::array();
    for (const auto& e :
         m_bus.recent_lines(query_value(d, "function"), query_count(d, "limit", 100, 100000))) {
      auto j = parse_ordered_json(e->json, "event");
      if (j) {
        lines.push_back(std::move(*j));
      }
    }
    return fresh_json(200, OrderedJson{{"lines", std::move(lines)}});
  }
  if (path == "serve") {
    OrderedJson j = OrderedJson::object();
    j["pid"] = static_cast<long>(::getpid());
    auto v = m_snapshot();
    j["project"] = v.manifest ? v.manifest->name : std::string();
    j["subscribers"] = m_bus.subscribers();
    return fresh_json(200, j);
  }
  if (path == "flows") {
    return fresh_json(200, flows_json(m_flows.flows()));
  }
  if (path.starts_with("flows/")) {
    path.remove_prefix(6);
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) {
      return error_response(404, "FSTAGE.404", "no console page api/flows/" + std::string(path));
    }
    return answer_flow(std::string(path.substr(0, slash)), path.substr(slash + 1));
  }
  if (path.starts_with("executions/")) {
    path.remove_prefix(11);
    auto shown = m_flows.show(std::string(path));
    if (!shown) {
      return error_response(404, "FSTAGE.404", "no execution " + std::string(path));
    }
    return fresh_json(200, *shown);
  }
  return error_response(404, "FSTAGE.404", "no console page api/" + std::string(path));
}

HttpResponseData Console::answer_flow(const std::string& name, std::string_view what) {
  auto def = m_flows.find(name);
  if (!def) {
    return error_response(404, "FSTAGE.404", "no served flow " + name);
  }
  if (what == "executions") {
    return fresh_json(200, OrderedJson{{"executions", m_flows.list(def->name)}});
  }
  if (what == "graph") {
    auto graph = flow::build_graph(*def);
    if (!graph) {
      return error_response(500, "FSTAGE.500", graph.error().message);
    }
    OrderedJson nodes = OrderedJson::array();
    for (const auto& n : graph->nodes) {
      nodes.push_back(OrderedJson{
          {"id", n.id}, {"state", n.state_path}, {"kind", kind_name(n.kind)}, {"title", n.title}});
    }
    return fresh_json(200, OrderedJson{{"flow", def->name}, {"nodes", std::move(nodes)}});
  }
  if (what == "graph.svg") {
    auto svg = flow_svg(*def);
    if (!svg) {
      // Graphviz missing: the page says so and lists the states instead.
      return error_response(
          503, "FSTAGE.503",
          svg.error().message +
              (svg.error().hint.empty() ? std::string() : " (" + svg.error().hint + ")"));
    }
    HttpResponseData r;
    r.headers.emplace_back("Content-Type", "image/svg+xml");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = std::move(*svg);
    return r;
  }
  return error_response(404, "FSTAGE.404",
                        "no console page api/flows/" + name + "/" + std::string(what));
}

Expected<std::string> Console::flow_svg(const flow::Definition& def) {
  auto graph = FSTAGE_TRY(flow::build_graph(def));
  std::string dot = flow::to_dot(graph);
  std::lock_guard<std::mutex> lock(m_svg_mutex);
  if (auto it = m_svg_cache.find(def.name); it != m_svg_cache.end() && it->second.first == dot) {
    return it->second.second;  // drawn before, and the flow has not changed since
  }
  std::string svg = FSTAGE_TRY(flow::to_svg(graph));
  m_svg_cache[def.name] = {std::move(dot), svg};
  return svg;
}

}  // namespace fstage::serve
