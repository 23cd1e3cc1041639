// SPDX-License-Identifier: Apache-2.0
// The platform's synchronous invoke route on serve's port (PLATFORM.md §4.2, §4.4), so that
// integration tests calling functions through the official SDK run against serve by changing
// the endpoint, as `sam local start-lambda` serves AWS users:
//   POST /v2/{project_id}/fgs/functions/{function_urn}/invocations   body: the event (JSON)
// answered {result (the function's return value, a string), log, status, request_id} with
// X-Cff-Request-Id, X-Cff-Billing-Duration, X-Func-Err-Code, X-Is-Func-Err and, with
// `X-Cff-Log-Type: tail`, X-Cff-Function-Log (base64 of the last 2000 bytes of the log). The
// URN names a manifest function: urn:fss:<region>:<project>:function:<package>:<name>[:latest]
// (a bare function name is taken too). Only latest exists locally: serve runs the code on
// disk, so another version or alias is the API's 404, not silently the local code.
//   GET  /v2/{project_id}/fgs/functions/{function_urn}/config   the function's model, which
// clients read before they invoke (its timeout); environment values are left out (user_data
// "{}"): serve shows no secret, not even on loopback.
#include <chrono>
#include <future>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

HttpResponseData api_error(int status, const std::string& code, const std::string& message) {
  OrderedJson j;
  j["error_code"] = code;
  j["error_msg"] = message;
  return json_response(status, j);
}

struct Target {
  std::string function;
  std::string qualifier;  // "" or "latest" for the code on disk
};

// urn:fss:<region>:<project>:function:<package>:<name>[:<qualifier>], or a bare name.
Target parse_target(const std::string& urn) {
  std::vector<std::string> parts = split(urn, ':');
  if (parts.size() >= 7 && parts[0] == "urn" && parts[1] == "fss" && parts[4] == "function") {
    return {parts[6], parts.size() > 7 ? parts[7] : std::string()};
  }
  return {urn, ""};
}

// GetFunctionConfig's model, as far as a local function has its fields.
HttpResponseData function_config(const std::string& project, const std::string& name,
                                 const sb::FunctionSpec& spec) {
  OrderedJson j;
  j["func_urn"] = "urn:fss:" + spec.region + ":" + project + ":function:" + spec.package + ":" +
                  name + ":latest";
  j["func_name"] = name;
  j["namespace"] = project;
  j["package"] = spec.package;
  j["runtime"] = std::string(spec.runtime.name);
  j["timeout"] = spec.timeout_s;
  j["handler"] = spec.handler;
  j["memory_size"] = spec.memory_mb;
  j["code_type"] = "zip";
  j["user_data"] = "{}";
  j["version"] = "latest";
  j["initializer_handler"] = spec.initializer;
  j["initializer_timeout"] = spec.initializer_timeout;
  j["type"] = "v2";
  return json_response(200, j);
}

}  // namespace

std::optional<HttpResponseData> Gateway::answer_invoke_api(Project& project,
                                                           const HttpRequestData& d,
                                                           const std::string& id,
                                                           std::string& function) {
  // v2 {p} fgs functions {urn} invocations|config
  std::vector<std::string> seg = path_segments(d.path);
  if (seg.size() == 6 && seg[0] == "v2" && seg[2] == "fgs" && seg[3] == "functions") {
    if (auto a = answer_async_api(d, seg, function)) {
      return a;
    }
  }
  if (seg.size() != 6 || seg[0] != "v2" || seg[2] != "fgs" || seg[3] != "functions" ||
      (seg[5] != "invocations" && seg[5] != "config")) {
    return std::nullopt;
  }
  const bool config = seg[5] == "config";
  if (d.method != (config ? "GET" : "POST")) {
    return api_error(405, "FSS.0405", d.method + " " + d.path + " is not allowed");
  }
  const Target target = parse_target(seg[4]);
  auto it = project.pools.find(target.function);
  if (it == project.pools.end()) {
    std::vector<std::string> names;
    for (const auto& [name, pool] : project.pools) {
      names.push_back(name);
    }
    return api_error(404, "FSS.1051",
                     "Not found the function " + quote(target.function) + " (functions served: " +
                         (names.empty() ? std::string("none") : join(names, ", ")) + ")");
  }
  if (!target.qualifier.empty() && target.qualifier != "latest") {
    return api_error(404, "FSS.1052",
                     "Not found the version " + quote(target.qualifier) +
                         ": fstage serve runs the code on disk, which is latest");
  }
  if (config) {
    return function_config(seg[1], target.function, it->second->spec());
  }
  if (d.body_too_large) {
    return api_error(413, "FSS.0413",
                     "the request body is over the 6 MB a synchronous "
                     "invocation takes");
  }
  OrderedJson event =
      trim(d.body).empty() ? OrderedJson::object() : OrderedJson::parse(d.body, nullptr, false);
  if (event.is_discarded()) {
    return api_error(400, "FSS.0400", "the request body is not valid JSON");
  }
  function = target.function;
  std::shared_ptr<FunctionPool> pool = it->second;
  sb::InvokeRequest ir;
  ir.request_id = id;
  ir.event = trim(d.body).empty() ? std::string("{}") : d.body;
  auto promise = std::make_shared<std::promise<sb::InvokeResult>>();
  auto future = promise->get_future();
  // The function's own timeout ends it; the margin covers a cold start.
  const auto wait = std::chrono::seconds(pool->spec().timeout_s + 30);
  if (!pool->submit(
          std::move(ir), [promise](sb::InvokeResult r) { promise->set_value(std::move(r)); },
          std::chrono::steady_clock::now() + wait, true)) {
    return api_error(429, "FSS.0429",
                     interrupted() ? std::string("fstage serve is shutting down")
                                   : "every instance of " + quote(target.function) +
                                         " is busy and its queue is full (--concurrency " +
                                         std::to_string(m_opts.pool.concurrency) + ")");
  }
  if (future.wait_for(wait) != std::future_status::ready) {
    return api_error(504, "FSS.0504", "no answer from " + quote(target.function));
  }
  sb::InvokeResult r = future.get();
  if (r.status == sb::InvokeStatus::sandbox_error || r.status == sb::InvokeStatus::cancelled) {
    return api_error(500, "FSS.0500",
                     r.status == sb::InvokeStatus::cancelled
                         ? std::string("the invocation was cancelled")
                         : "the sandbox failed: " + r.error);
  }
  const bool ok = r.status == sb::InvokeStatus::ok;
  if (!ok) {
    for (const auto& line : error_log_lines(r)) {
      m_log.function_line(target.function, id, line);
    }
  }
  const std::string* log_type = find_header(d, "x-cff-log-type");
  const bool tail = log_type != nullptr && to_lower(*log_type) == "tail";
  OrderedJson body;
  body["result"] = ok ? r.result : r.error;
  body["log"] = tail ? r.logs : std::string();
  body["status"] = 200;
  body["request_id"] = id;
  HttpResponseData out = json_response(200, body);
  // Whole milliseconds, rounded up (no std::ceil: the binary's start needs libc alone).
  auto billed = static_cast<long long>(r.duration_ms);
  billed += static_cast<double>(billed) < r.duration_ms ? 1 : 0;
  out.headers.emplace_back("X-Cff-Request-Id", id);
  out.headers.emplace_back("X-Cff-Billing-Duration", std::to_string(billed));
  out.headers.emplace_back("X-Func-Err-Code", ok ? "0" : "1");
  out.headers.emplace_back("X-Is-Func-Err", ok ? "false" : "true");
  out.headers.emplace_back("X-Cff-Response-Version", "v1");
  if (tail) {
    const std::string& log = r.logs;
    out.headers.emplace_back(
        "X-Cff-Function-Log",
        sb::base64_encode(log.size() > 2000 ? log.substr(log.size() - 2000) : log));
  }
  return out;
}

}  // namespace fstage::serve::detail
