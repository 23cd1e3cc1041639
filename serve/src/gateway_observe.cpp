// SPDX-License-Identifier: Apache-2.0
// What serve lets one observe: `GET /_fstage/metrics` (Prometheus text, metrics.hpp) and the
// last requests of each function, `GET /_fstage/requests[?function=F]` and
// `GET /_fstage/requests/{request_id}` (requests.hpp), which `fstage invoke --replay` reads.
#include <fstage/base/json.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

constexpr std::string_view k_metrics_path = "/_fstage/metrics";
constexpr std::string_view k_requests_path = "/_fstage/requests";

HttpResponseData not_found(const std::string& message) {
  OrderedJson body;
  body["error_code"] = "FSTAGE.404";
  body["error_msg"] = message;
  return json_response(404, body);
}

}  // namespace

PoolOptions Gateway::observed_pool(const std::string& function) {
  PoolOptions o = m_opts.pool;
  o.metrics = m_metrics.function(function);
  o.history = m_history;
  return o;
}

void Gateway::observe_flows() {
  m_flows->set_on_ended([this](const std::string& flow, const std::string& status, double s) {
    m_metrics.flow(flow)->record(status, s);
  });
}

std::optional<HttpResponseData> Gateway::answer_observe(const HttpRequestData& d) {
  const std::string_view path = d.path;
  if (path != k_metrics_path && !path.starts_with(k_requests_path)) {
    return std::nullopt;
  }
  if (d.method != "GET" && d.method != "HEAD") {
    OrderedJson body;
    body["error_code"] = "FSTAGE.405";
    body["error_msg"] = "only GET is allowed on " + d.path;
    return json_response(405, body);
  }
  if (path == k_metrics_path) {
    std::map<std::string, PoolStats> stats;
    for (const auto& [name, pool] : snapshot()->pools) {
      stats[name] = pool->stats();
    }
    HttpResponseData r;
    r.headers.emplace_back("Content-Type", std::string(k_metrics_content_type));
    r.body = m_metrics.render(stats);
    return r;
  }
  std::string_view rest = path.substr(k_requests_path.size());
  if (rest.empty() || rest == "/") {
    OrderedJson body;
    body["requests"] = m_history->list(query_value(d, "function"));
    return json_response(200, body);
  }
  if (rest.front() != '/') {
    return std::nullopt;  // /_fstage/requestsX: not ours
  }
  const std::string id(rest.substr(1));
  if (auto found = m_history->find(id)) {
    return json_response(200, *found);
  }
  return not_found("no request " + id + " is kept by this fstage serve (it keeps the last " +
                   std::to_string(RequestHistory::k_kept_per_function) +
                   " of each function, in memory, since it started)");
}

}  // namespace fstage::serve::detail
