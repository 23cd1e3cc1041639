// SPDX-License-Identifier: Apache-2.0
// Answering one request: serve's own routes, the flows' v2 execution routes, a CORS
// preflight, or a function's APIG route; then the access line.
#include <atomic>
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
  const std::size_t bytes = out.body.size();
  res = std::move(out);  // the server writes the framing (a function's own is dropped there)
  log_access(d.method, d.path, res.status, t0, id, function, bytes);
}

void Gateway::log_access(const std::string& method, const std::string& path, int status,
                         std::chrono::steady_clock::time_point t0, const std::string& id,
                         const std::string& function, std::size_t bytes) {
  AccessRecord a;
  a.method = method;
  a.path = path;
  a.status = status;
  a.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  a.request_id = id;
  a.function = function;
  a.bytes = bytes;
  a.source = "http";
  m_log.access(a);
}

// A request to a function's APIG route, taken on the server's loop when nothing before the
// route would answer it (handle()'s order): the event goes to the pool, which answers when the
// function does, from the loop itself when it lends the loop a warm instance
// (FunctionPool::submit_from_loop), else from a worker's thread; the route's timeout answers
// 504 on the loop if it comes first. No thread waits for the function.
bool Gateway::take_async(HttpRequestData& d, const std::shared_ptr<HttpReply>& reply) {
  if (d.body_too_large || std::string_view(d.path).starts_with(k_internal_prefix) ||
      std::string_view(d.path).starts_with("/v2/") || preflight_method(d)) {
    return false;  // serve's own, the platform's APIs, a 413 or a preflight: handle()
  }
  std::shared_ptr<Project> project = snapshot();
  auto match = project->router.match(d.method, d.path);
  if (!match || !match->route->flow.empty()) {
    return false;  // a 404 or a flow's route: handle()
  }
  struct Answer {
    std::atomic<bool> given{false};
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    std::string id = sb::new_request_id();
    std::string method;
    std::string path;
    std::string function;
    int timeout_ms = 0;
    bool cors = false;
    std::shared_ptr<HttpReply> reply;
  };
  auto a = std::make_shared<Answer>();
  a->method = d.method;
  a->path = d.path;
  a->function = match->route->function;
  a->timeout_ms = match->route->timeout_ms;
  a->cors = match->route->cors;
  a->reply = reply;
  // The first of the function and the deadline answers, and logs the access line before the
  // client can read the answer.
  auto give = [this](Answer& an, HttpResponseData out) {
    if (an.given.exchange(true)) {
      return;
    }
    if (an.cors) {
      add_cors_headers(out);
    }
    log_access(an.method, an.path, out.status, an.t0, an.id, an.function, out.body.size());
    an.reply->send(std::move(out));
  };
  std::shared_ptr<FunctionPool> pool = project->pools.at(a->function);
  sb::InvokeRequest ir;
  ir.request_id = a->id;
  ir.event = build_apig_event(d, *match, a->id, m_opts.stage);
  const auto wait = std::chrono::milliseconds(a->timeout_ms);
  const bool queued = pool->submit_from_loop(
      std::move(ir),
      [this, a, give](sb::InvokeResult r) {
        HttpResponseData out;
        try {
          out = function_answer(a->function, a->id, r);
        } catch (const std::exception& e) {  // on the loop or a pool's thread: nothing escapes
          m_log.event("error",
                      std::string("internal error while answering a request: ") + e.what());
          out = gateway_error(500, "APIG.9999", "System error (fstage serve)", a->id);
        }
        give(*a, std::move(out));
      },
      std::chrono::steady_clock::now() + wait, m_server);
  if (!queued) {
    give(*a, unavailable(a->function, a->id));
    return true;
  }
  reply->deadline(
      wait, [this, a, give] { give(*a, backend_timeout(a->function, a->timeout_ms, a->id)); });
  return true;
}

HttpResponseData Gateway::function_answer(const std::string& function, const std::string& id,
                                          const sb::InvokeResult& r) {
  if (r.status != sb::InvokeStatus::ok && r.status != sb::InvokeStatus::cancelled) {
    // The error and its stack trace are for the developer's log, not the HTTP client.
    for (const auto& line : error_log_lines(r)) {
      m_log.function_line(function, id, line);
    }
  }
  return response_for(r);
}

HttpResponseData Gateway::unavailable(const std::string& function, const std::string& id) {
  ++m_metrics.function(function)->http_503;
  return gateway_error(503, "APIG.0308",
                       interrupted()
                           ? std::string("Service unavailable: the gateway is shutting down")
                           : "Service unavailable: every instance of " + quote(function) +
                                 " is busy and its queue is full (--concurrency " +
                                 std::to_string(m_opts.pool.concurrency) + ", --queue " +
                                 std::to_string(m_opts.pool.queue) + ")",
                       id);
}

HttpResponseData Gateway::backend_timeout(const std::string& function, int timeout_ms,
                                          const std::string& id) {
  return gateway_error(504, "APIG.0201",
                       "Backend timeout: no answer from " + quote(function) +
                           " within the APIG trigger's timeout of " + std::to_string(timeout_ms) +
                           " ms",
                       id);
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
    out = unavailable(function, id);
  } else if (future.wait_for(wait) != std::future_status::ready) {
    out = backend_timeout(function, match.route->timeout_ms, id);
  } else {
    out = function_answer(function, id, future.get());
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
