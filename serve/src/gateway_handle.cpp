// SPDX-License-Identifier: Apache-2.0
// Answering one request: serve's own routes, the flows' v2 execution routes, a CORS
// preflight, or a function's APIG route; then the access line.
#include <chrono>
#include <future>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>
#include <fstage/serve/cors.hpp>
#include <fstage/serve/event_routes.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

// What a 404 adds for the developer: the routes there are, or that there are none and why.
std::string routes_note(const Router& router) {
  const auto& routes = router.routes();
  if (routes.empty()) {
    return "fstage serve has no routes: no function in the manifest has an APIG trigger";
  }
  constexpr std::size_t k_listed = 20;
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < routes.size() && i < k_listed; ++i) {
    shown.push_back(routes[i].method + " " + routes[i].path);
  }
  if (routes.size() > k_listed) {
    shown.push_back("and " + std::to_string(routes.size() - k_listed) + " more");
  }
  return "routes: " + join(shown, ", ");
}

}  // namespace

void Gateway::handle(const HttpRequestData& d, HttpResponseData& res) {
  auto t0 = std::chrono::steady_clock::now();
  std::string id = sb::new_request_id();
  std::shared_ptr<Project> project = snapshot();

  HttpResponseData out;
  std::string function;
  if (std::string_view(d.path).starts_with(k_internal_prefix)) {
    if (auto internal = answer_internal(d)) {
      res = std::move(*internal);
      return;
    }
  }
  std::optional<HttpResponseData> api_answer = signature_rejection(d);
  if (!api_answer) {
    api_answer = answer_invoke_api(*project, d, id, function);
  }
  if (!api_answer) {
    api_answer = m_flows->handle(d);
  }
  auto match = project->router.match(d.method, d.path);
  // A CORS preflight is the gateway's to answer for an API with CORS enabled, unless an API of
  // its own takes OPTIONS on that path (cors.hpp).
  std::optional<RouteMatch> preflight;
  if (auto asked = preflight_method(d); asked && !(match && match->route->method == "OPTIONS")) {
    preflight = project->router.match(*asked, d.path);
  }
  if (api_answer) {
    out = std::move(*api_answer);
  } else if (d.body_too_large) {
    // Over the 6 MB a synchronous invocation takes (PLATFORM.md §2.2): API Gateway's 413,
    // "Request entity too large" (APIG.0201 in its error-code table).
    function = match ? match->route->function : std::string();
    out = gateway_error(413, "APIG.0201", "Request entity too large", id);
  } else if (preflight && preflight->route->cors) {
    function = preflight->route->function;
    out = preflight_response(id);
  } else if (!match) {
    out = gateway_error(404, "APIG.0101",
                        "The API does not exist or has not been published in the environment: " +
                            d.method + " " + d.path + " (" + routes_note(project->router) + ")",
                        id);
  } else if (!match->route->flow.empty()) {
    auto def = m_flows->find(match->route->flow);
    out =
        def ? m_flows->answer_route(*def, d, *match, id, m_opts.stage)
            : gateway_error(404, "APIG.0101", "flow " + match->route->flow + " is not served", id);
    if (match->route->cors) {
      add_cors_headers(out);
    }
  } else {
    function = match->route->function;
    out = answer_function(*project, *match, d, id);
  }
  res.status = out.status;
  for (auto& [k, v] : out.headers) {
    std::string lk = to_lower(k);
    if (lk == "content-length" || lk == "transfer-encoding" || lk == "connection") {
      continue;
    }
    res.headers.emplace_back(k, v);
  }
  std::size_t bytes = out.body.size();
  res.body = std::move(out.body);
  AccessRecord a;
  a.method = d.method;
  a.path = d.path;
  a.status = res.status;
  a.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  a.request_id = id;
  a.function = function;
  a.bytes = bytes;
  a.source = "http";
  m_log.access(a);
}

HttpResponseData Gateway::answer_function(Project& project, const RouteMatch& match,
                                          const HttpRequestData& d, const std::string& id) {
  const std::string& function = match.route->function;
  HttpResponseData out;
  std::shared_ptr<FunctionPool> pool = project.pools.at(function);
  sb::InvokeRequest ir;
  ir.request_id = id;
  ir.event = build_apig_event(d, match, id, m_opts.stage);
  auto promise = std::make_shared<std::promise<sb::InvokeResult>>();
  auto future = promise->get_future();
  const auto wait = std::chrono::milliseconds(match.route->timeout_ms);
  // On this thread when an instance is free, unless the route's timeout could end the wait
  // before the function's own does (the 504 must not wait for the function).
  const bool here = wait >= std::chrono::seconds(pool->spec().timeout_s);
  if (!pool->submit(
          std::move(ir), [promise](sb::InvokeResult r) { promise->set_value(std::move(r)); },
          std::chrono::steady_clock::now() + wait, here)) {
    ++m_metrics.function(function)->http_503;
    out = gateway_error(503, "APIG.0308",
                        interrupted()
                            ? std::string("Service unavailable: the gateway is shutting down")
                            : "Service unavailable: every instance of " + quote(function) +
                                  " is busy and its queue is full (--concurrency " +
                                  std::to_string(m_opts.pool.concurrency) + ", --queue " +
                                  std::to_string(m_opts.pool.queue) + ")",
                        id);
  } else if (future.wait_for(wait) != std::future_status::ready) {
    out = gateway_error(504, "APIG.0201",
                        "Backend timeout: no answer from " + quote(function) +
                            " within the "
                            "APIG trigger's timeout of " +
                            std::to_string(match.route->timeout_ms) + " ms",
                        id);
  } else {
    sb::InvokeResult r = future.get();
    if (r.status != sb::InvokeStatus::ok && r.status != sb::InvokeStatus::cancelled) {
      // The error and its stack trace are for the developer's log, not the HTTP client.
      for (const auto& line : error_log_lines(r)) {
        m_log.function_line(function, id, line);
      }
    }
    out = response_for(r);
  }
  if (match.route->cors) {
    add_cors_headers(out);
  }
  return out;
}

// A signed request to the platform's routes is checked as the API checks it; a bad signature
// is the API's 401. Unsigned requests pass: serve is a local emulator.
std::optional<HttpResponseData> Gateway::signature_rejection(const HttpRequestData& d) {
  if (!m_opts.check_signature || !std::string_view(d.path).starts_with("/v2/")) {
    return std::nullopt;
  }
  if (find_header(d, "authorization") == nullptr) {
    return std::nullopt;
  }
  auto ok = m_opts.check_signature(d);
  if (ok) {
    return std::nullopt;
  }
  m_log.event("warn", d.method + " " + d.path + ": " + ok.error().message +
                          (ok.error().hint.empty() ? "" : " (" + ok.error().hint + ")"));
  return flow_api_error(401, "APIGW.0301",
                        "Incorrect IAM authentication information: " + ok.error().message);
}

// serve's own routes. A path under the prefix that none of them takes is a 404 of serve's,
// not a function's (APIG routes under it are refused when the manifest loads).
std::optional<HttpResponseData> Gateway::answer_internal(const HttpRequestData& d) {
  if (auto emitted = answer_emit(m_sources.get(), d)) {
    return emitted;
  }
  if (auto observed = answer_observe(d)) {
    return observed;
  }
  if (m_console) {
    if (auto page = m_console->answer(d)) {
      return page;
    }
  }
  OrderedJson body;
  body["error_code"] = "FSTAGE.404";
  body["error_msg"] = "fstage serve has no page " + d.path;
  return json_response(404, body);
}

}  // namespace fstage::serve::detail
