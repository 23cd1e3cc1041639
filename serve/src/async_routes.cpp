// SPDX-License-Identifier: Apache-2.0
// The platform's asynchronous routes on serve's port (PLATFORM.md §4.2; OTC-API
// executing_a_function_asynchronously and asynchronous_execution_notification/*):
//   POST   …/functions/{urn}/invocations-async     202 {"request_id"}; body ≤ 256 KB (PLATFORM.md
//   §2.2) POST   …/functions/{urn}/invocations with X-CFF-Invoke-Type: async   the same (the header
//   the
//          runtime gives an async invocation, OTC-GO invoker.go; the API documents no answer for
//          it on this route, so serve answers as the async route does)
//   PUT/GET/DELETE …/functions/{urn}/async-invoke-config   200 model / 200 model / 204
//   GET    …/functions/{urn}/async-invoke-configs  {async_invoke_configs, count, page_info}
//   GET    …/functions/{urn}/async-invocations     {invocations, count, next_marker}
//   POST   …/functions/{urn}/cancel {request_id}   a queued event discarded; 200 null
// A PUT overrides the manifest's `async_invoke:` in serve's memory until the manifest reloads.
#include <cstdlib>
#include <map>
#include <set>

#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

constexpr std::size_t k_max_async_body = 256 * 1024;

HttpResponseData api_error(int status, const std::string& code, const std::string& message) {
  OrderedJson j;
  j["error_code"] = code;
  j["error_msg"] = message;
  return json_response(status, j);
}

// A destination in the API's form: {destination, param: "<JSON string>"}; FunctionGraph's
// func_urn as a full URN.
OrderedJson api_destination(const manifest::AsyncDestination& d, const AsyncInvoker& inv) {
  OrderedJson param = d.param;
  if (d.destination == "FunctionGraph") {
    std::string target = param.value("func_urn", "");
    if (!starts_with(target, "urn:")) {
      param["func_urn"] = inv.function_urn(target);
    }
  }
  OrderedJson j;
  j["destination"] = d.destination;
  j["param"] = param.dump();
  return j;
}

OrderedJson api_config(const std::string& function, const manifest::AsyncInvokeConfig& c,
                       const AsyncInvoker& inv) {
  OrderedJson j;
  j["func_urn"] = inv.function_urn(function);
  j["max_async_event_age_in_seconds"] = c.max_async_event_age_in_seconds;
  j["max_async_retry_attempts"] = c.max_async_retry_attempts;
  OrderedJson dc = OrderedJson::object();
  if (c.on_success) {
    dc["on_success"] = api_destination(*c.on_success, inv);
  }
  if (c.on_failure) {
    dc["on_failure"] = api_destination(*c.on_failure, inv);
  }
  j["destination_config"] = std::move(dc);
  auto [created, modified] = inv.config_times(function);
  j["created_time"] = created;
  j["last_modified"] = modified;
  j["enable_async_status_log"] = c.enable_async_status_log;
  return j;
}

// UpdateFunctionAsyncInvokeConfig's body, checked as the API documents it; "" when fine.
std::string parse_destination(const OrderedJson& j, const std::string& which,
                              const AsyncInvoker& inv,
                              std::optional<manifest::AsyncDestination>& out) {
  if (!j.contains(which) || j[which].is_null()) {
    return "";
  }
  const OrderedJson& d = j[which];
  if (!d.is_object() || !d.contains("destination") || !d["destination"].is_string()) {
    return "destination_config." + which + ": expected {destination, param}";
  }
  manifest::AsyncDestination dest;
  dest.destination = d["destination"].get<std::string>();
  static const std::vector<std::string> k_kinds = {"FunctionGraph", "OBS", "SMN", "DIS"};
  static const std::map<std::string, std::string> k_required = {{"FunctionGraph", "func_urn"},
                                                                {"OBS", "bucket"},
                                                                {"SMN", "topic_urn"},
                                                                {"DIS", "stream_name"}};
  if (k_required.count(dest.destination) == 0) {
    auto close = closest_match(dest.destination, k_kinds);
    return "destination_config." + which + ".destination: unknown " + quote(dest.destination) +
           " (one of FunctionGraph, OBS, SMN, DIS" +
           (close ? "; did you mean '" + *close + "'?" : std::string()) + ")";
  }
  OrderedJson param = OrderedJson::object();
  if (d.contains("param") && d["param"].is_string()) {
    param = OrderedJson::parse(d["param"].get<std::string>(), nullptr, false);
  } else if (d.contains("param") && d["param"].is_object()) {
    param = d["param"];
  }
  const std::string& key = k_required.at(dest.destination);
  if (!param.is_object() || !param.contains(key) || !param[key].is_string()) {
    return "destination_config." + which + ".param: a JSON string with " + key;
  }
  if (dest.destination == "FunctionGraph") {
    std::vector<std::string> parts = split(param[key].get<std::string>(), ':');
    std::string target = parts.size() >= 7 ? parts[6] : param[key].get<std::string>();
    if (!inv.serves(target)) {
      return "destination_config." + which + ".param.func_urn: " + quote(target) +
             " is not a function fstage serve runs";
    }
  }
  dest.param = std::move(param);
  out = std::move(dest);
  return "";
}

std::string parse_config(const std::string& body, const AsyncInvoker& inv,
                         manifest::AsyncInvokeConfig& c) {
  OrderedJson j = OrderedJson::parse(body, nullptr, false);
  if (!j.is_object()) {
    return "the request body is not a JSON object";
  }
  auto int_field = [&](const char* key, int lo, int hi, int& out) -> std::string {
    if (!j.contains(key)) {
      return "";
    }
    if (!j[key].is_number_integer() || j[key].get<long long>() < lo ||
        j[key].get<long long>() > hi) {
      return std::string(key) + ": an integer in " + std::to_string(lo) + "-" + std::to_string(hi);
    }
    out = j[key].get<int>();
    return "";
  };
  std::string e = int_field("max_async_event_age_in_seconds", 1, manifest::k_max_async_event_age_s,
                            c.max_async_event_age_in_seconds);
  if (e.empty()) {
    e = int_field("max_async_retry_attempts", 0, manifest::k_max_async_retry_attempts,
                  c.max_async_retry_attempts);
  }
  if (e.empty() && j.contains("enable_async_status_log")) {
    if (!j["enable_async_status_log"].is_boolean()) {
      return "enable_async_status_log: true or false";
    }
    c.enable_async_status_log = j["enable_async_status_log"].get<bool>();
  }
  if (e.empty() && j.contains("destination_config")) {
    const OrderedJson& dc = j["destination_config"];
    if (!dc.is_object()) {
      return "destination_config: expected {on_success, on_failure}";
    }
    e = parse_destination(dc, "on_success", inv, c.on_success);
    if (e.empty()) {
      e = parse_destination(dc, "on_failure", inv, c.on_failure);
    }
  }
  return e;
}

}  // namespace

std::optional<HttpResponseData> Gateway::answer_async_api(const HttpRequestData& d,
                                                          const std::vector<std::string>& seg,
                                                          std::string& function) {
  static const std::set<std::string> k_ops = {"invocations-async",
                                              "async-invoke-config",
                                              "async-invoke-configs",
                                              "async-invocations",
                                              "cancel",
                                              "invocations"};
  const std::string& op = seg[5];
  const std::string* type = find_header(d, "x-cff-invoke-type");
  const bool async_header = type != nullptr && to_lower(trim(*type)) == "async";
  if (!m_async || k_ops.count(op) == 0 || (op == "invocations" && !async_header)) {
    return std::nullopt;
  }
  AsyncInvoker& inv = *m_async;
  std::vector<std::string> parts = split(seg[4], ':');
  const bool urn = parts.size() >= 7 && parts[0] == "urn" && parts[1] == "fss";
  const std::string name = urn ? parts[6] : seg[4];
  const std::string qualifier = urn && parts.size() > 7 ? parts[7] : "";
  if (!inv.serves(name)) {
    return api_error(404, "FSS.1051",
                     "Not found the function " + quote(name) +
                         " (functions served: " + join(inv.functions(), ", ") + ")");
  }
  if (!qualifier.empty() && qualifier != "latest") {
    return api_error(404, "FSS.1052",
                     "Not found the version " + quote(qualifier) +
                         ": fstage serve runs the code on disk, which is latest");
  }
  function = name;
  const std::string expected = op == "invocations-async" || op == "invocations" || op == "cancel"
                                   ? "POST"
                               : op == "async-invoke-config" ? d.method
                                                             : "GET";
  if (d.method != expected || (op == "async-invoke-config" && d.method != "PUT" &&
                               d.method != "GET" && d.method != "DELETE")) {
    return api_error(405, "FSS.0405", d.method + " " + d.path + " is not allowed");
  }
  if (op == "invocations-async" || op == "invocations") {
    if (d.body_too_large || d.body.size() > k_max_async_body) {
      return api_error(413, "FSS.0413",
                       "the request body is over the 256 KB an asynchronous invocation takes");
    }
    std::string body = trim(d.body).empty() ? std::string("{}") : d.body;
    if (OrderedJson::parse(body, nullptr, false).is_discarded()) {
      return api_error(400, "FSS.0400", "the request body is not valid JSON");
    }
    auto id = inv.invoke(name, std::move(body), "api");
    if (!id) {
      const Error& e = id.error();
      if (e.code == ErrorCode::limit) {
        return api_error(429, "FSS.0429", e.message + "; " + e.hint);
      }
      return api_error(e.code == ErrorCode::interrupted ? 503 : 500,
                       e.code == ErrorCode::interrupted ? "FSS.0503" : "FSS.0500", e.message);
    }
    OrderedJson j;
    j["request_id"] = *id;
    HttpResponseData out = json_response(202, j);
    out.headers.emplace_back("X-Cff-Request-Id", *id);
    return out;
  }
  if (op == "async-invoke-config") {
    if (d.method == "DELETE") {
      if (!inv.delete_config(name)) {
        return api_error(404, "FSS.0404", "no asynchronous configuration for " + quote(name));
      }
      HttpResponseData out;
      out.status = 204;
      return out;
    }
    if (d.method == "PUT") {
      manifest::AsyncInvokeConfig c = inv.config(name).value_or(manifest::AsyncInvokeConfig{});
      if (std::string e = parse_config(d.body, inv, c); !e.empty()) {
        return api_error(400, "FSS.0400", e);
      }
      inv.put_config(name, c);
      m_log.event("info", "asynchronous configuration of " + quote(name) +
                              " set through the API; it lasts until the manifest reloads");
    }
    auto c = inv.config(name);
    if (!c) {
      return api_error(404, "FSS.0404", "no asynchronous configuration for " + quote(name));
    }
    return json_response(200, api_config(name, *c, inv));
  }
  if (op == "async-invoke-configs") {
    OrderedJson list = OrderedJson::array();
    if (auto c = inv.config(name)) {
      list.push_back(api_config(name, *c, inv));
    }
    OrderedJson j;
    const auto n = list.size();
    j["async_invoke_configs"] = std::move(list);
    j["count"] = n;
    j["page_info"] = {{"next_marker", n}, {"previous_marker", 0}, {"current_count", n}};
    return json_response(200, j);
  }
  if (op == "async-invocations") {
    const std::string want_id = query_value(d, "request_id");
    const std::string want_status = query_value(d, "status");
    std::size_t limit = 100;
    if (auto l = query_value(d, "limit");
        !l.empty() && l.size() < 4 && l.find_first_not_of("0123456789") == std::string::npos) {
      limit = std::min<std::size_t>(500, std::stoul(l));
      limit = limit == 0 ? 100 : limit;
    }
    OrderedJson list = OrderedJson::array();
    for (const auto& r : inv.records(name)) {
      if ((!want_id.empty() && r.request_id != want_id) ||
          (!want_status.empty() && r.status != want_status) || list.size() >= limit) {
        continue;
      }
      OrderedJson i;
      i["request_id"] = r.request_id;
      i["status"] = r.status;
      i["error_message"] = r.error_message;
      i["start_time"] = r.start_time;
      i["end_time"] = r.end_time;
      list.push_back(std::move(i));
    }
    OrderedJson j;
    const auto n = list.size();
    j["invocations"] = std::move(list);
    j["count"] = n;
    j["next_marker"] = n;
    return json_response(200, j);
  }
  // cancel: a queued event only; a running one ends on its own.
  OrderedJson j = OrderedJson::parse(d.body, nullptr, false);
  if (!j.is_object() || !j.contains("request_id") || !j["request_id"].is_string()) {
    return api_error(400, "FSS.0400", "the body needs {\"request_id\": \"...\"}");
  }
  if (!inv.cancel(name, j["request_id"].get<std::string>())) {
    return api_error(400, "FSS.0400",
                     "Invalid RequestId: " + quote(j["request_id"].get<std::string>()) +
                         " is not waiting in the asynchronous queue of " + quote(name));
  }
  return json_response(200, OrderedJson());
}

void Gateway::start_async(const Project& p) {
  AsyncOptions o;
  o.root = p.manifest.root;
  o.queue = m_opts.pool.queue;
  o.max_in_flight = m_opts.pool.concurrency;
  o.region = p.manifest.region;
  o.package = p.manifest.package;
  if (const char* ms = std::getenv("FSTAGE_ASYNC_RETRY_DELAY_MS");
      ms != nullptr && *ms != '\0' && std::string_view(ms).size() < 9 &&
      std::string_view(ms).find_first_not_of("0123456789") == std::string_view::npos) {
    o.retry_base = std::chrono::milliseconds(std::stol(ms));
  }
  o.on_attempt = [this](const std::string& function, const std::string& source,
                        const std::string& id, const sb::InvokeResult& r, double ms) {
    AccessRecord a;
    const bool timer = starts_with(source, "timer:");
    a.method = timer ? "TIMER" : "ASYNC";
    a.path = timer ? source.substr(6) : source;
    a.status = r.status == sb::InvokeStatus::ok ? 200 : response_for(r).status;
    a.duration_ms = ms;
    a.request_id = id;
    a.function = function;
    a.bytes = r.status == sb::InvokeStatus::ok ? r.result.size() : r.error.size();
    a.source = timer ? "timer" : "async";
    m_log.access(a);
  };
  m_async = std::make_unique<AsyncInvoker>(
      o,
      [this](const std::string& fn, sb::InvokeRequest ir,
             std::function<void(sb::InvokeResult)> done) {
        std::shared_ptr<Project> project = snapshot();
        auto it = project->pools.find(fn);
        return it != project->pools.end() && it->second->submit(std::move(ir), std::move(done));
      },
      destination_sink(p.manifest.root), m_log);
  m_async->set_functions(p.manifest.functions);
}

// Destinations reach the local services as their own events would: an OBS object is a file
// in the bucket's directory (its watcher fires that bucket's triggers), an SMN message is
// published to the topic's subscribers, a DIS record joins the stream's queue. run() starts
// the event sources before any asynchronous event can conclude (recover() and the timers come
// after start_sources), so m_sources is set whenever these run.
DestinationSink Gateway::destination_sink(const fs::path& root) {
  DestinationSink sink = make_destination_sink(root);
  sink.publish_smn = [this](const std::string& topic_urn, const std::string& message,
                            const std::string& subject) -> Expected<void> {
    if (!m_sources) {
      return fail(ErrorCode::interrupted, "the event sources are not running");
    }
    FSTAGE_TRY(m_sources->publish(topic_urn, message, subject));
    return {};
  };
  sink.put_records = [this](const std::string& stream,
                            const std::vector<std::string>& records) -> Expected<void> {
    if (!m_sources) {
      return fail(ErrorCode::interrupted, "the event sources are not running");
    }
    std::vector<StreamRecord> batch;
    batch.reserve(records.size());
    for (const auto& r : records) {
      StreamRecord rec;
      rec.value = r;
      batch.push_back(std::move(rec));
    }
    FSTAGE_TRY(m_sources->put_records(StreamKind::dis, stream, std::move(batch)));
    return {};
  };
  return sink;
}

Expected<std::string> Gateway::deliver_async(const std::string& function, std::string event_json,
                                             const std::string& source) {
  if (!m_async) {
    return fail(ErrorCode::interrupted, "fstage serve is not running");
  }
  return m_async->invoke(function, std::move(event_json), source);
}

}  // namespace fstage::serve::detail
