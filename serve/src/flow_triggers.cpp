// SPDX-License-Identifier: Apache-2.0
// A flow's own triggers in serve: APIG routes and FLOWTIMER timers (flows.hpp).
#include <cstdio>

#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>
#include <fstage/serve/flows.hpp>

namespace fstage::serve {

namespace {

std::string text_or(const OrderedJson& config, const char* key, std::string fallback) {
  auto it = config.find(key);
  return it != config.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

void add_flow_triggers(const std::vector<flow::Definition>& flows, Router& router,
                       std::vector<TimerSpec>& timers, Logger& log) {
  for (const auto& def : flows) {
    int timer_index = 0;
    for (const auto& t : def.triggers) {
      if (!t.enabled) {
        continue;
      }
      const OrderedJson& c = t.config;
      if (t.type == "APIG") {
        Route r;
        r.flow = def.name;
        r.method = text_or(c, "method", "ANY");
        r.path = text_or(c, "path", "/");
        r.timeout_ms = c.value("timeout", 5000);
        r.cors = c.value("cors", false);
        r.api_id = stable_api_id("flow " + def.name, r.method, r.path);
        router.add(std::move(r));
      } else if (t.type == "FLOWTIMER") {
        ++timer_index;
        TimerSpec ts;
        ts.flow = def.name;
        ts.name = !t.name.empty()
                      ? t.name
                      : def.name + "-timer" + (timer_index > 1 ? std::to_string(timer_index) : "");
        ts.schedule_text = text_or(c, "schedule", "");
        // The input as JSON text; a string is taken as JSON when it parses, else as a string.
        OrderedJson input = OrderedJson::object();
        if (auto it = c.find("input"); it != c.end() && !it->is_null()) {
          input = *it;
          if (it->is_string()) {
            OrderedJson parsed = OrderedJson::parse(it->get<std::string>(), nullptr, false);
            if (!parsed.is_discarded()) {
              input = std::move(parsed);
            }
          }
        }
        ts.user_event = json_text(input);
        auto parsed = manifest::parse_schedule(
            text_or(c, "schedule_type",
                    std::string(manifest::infer_schedule_type(ts.schedule_text))),
            ts.schedule_text);
        if (!parsed) {
          log.event("warn", "flow " + def.name + ": timer " + quote(ts.schedule_text) +
                                " not scheduled: " + parsed.error().message);
          continue;
        }
        ts.schedule = *parsed;
        auto zone = TimeZone::load(ts.schedule.time_zone);
        ts.zone = zone ? *zone : TimeZone::utc();
        timers.push_back(std::move(ts));
      } else {
        log.event("warn", "flow " + def.name + ": " + t.type + " trigger " + quote(t.name) +
                              " does not fire locally (serve fires APIG and FLOWTIMER)");
      }
    }
  }
}

HttpResponseData FlowService::answer_route(const flow::Definition& def,
                                           const HttpRequestData& request, const RouteMatch& match,
                                           const std::string& request_id,
                                           const std::string& stage) {
  OrderedJson input =
      OrderedJson::parse(build_apig_event(request, match, request_id, stage), nullptr, false);
  if (input.is_discarded()) {
    input = OrderedJson::object();
  }
  std::map<std::string, std::string> headers;
  if (def.mode != flow::Mode::express) {
    OrderedJson j;
    j["execution_id"] = start_flow(def, std::move(input), std::move(headers), "local");
    HttpResponseData r;
    r.status = 202;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json_text(j);
    return r;
  }
  flow::Execution e = run_sync(def, std::move(input), std::move(headers), "local");
  if (e.status != flow::k_status_success) {
    return gateway_error(e.status == flow::k_status_timeout ? 504 : 500, "FSS.0500",
                         "flow " + def.name + " execution " + e.execution_id + " ended " +
                             e.status +
                             (e.error_message.empty() ? std::string() : ": " + e.error_message),
                         request_id);
  }
  // An output shaped as an APIG response is mapped as a function's would be; any other JSON
  // is the body.
  if (e.output.is_object() && e.output.contains("statusCode")) {
    return map_function_result(json_text(e.output), request_id);
  }
  HttpResponseData r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("X-Workflow-Run-Id", e.execution_id);
  r.body = json_text(e.output);
  return r;
}

void FlowService::fire_timer(const TimerSpec& timer) {
  std::optional<flow::Definition> def = find(timer.flow);
  if (!def) {
    return;
  }
  OrderedJson input = OrderedJson::parse(timer.user_event, nullptr, false);
  std::string id =
      start_flow(*def, input.is_discarded() ? OrderedJson::object() : input, {}, "local");
  m_log.event("info", "timer " + timer.name + " started flow " + def->name + " " + id);
}

}  // namespace fstage::serve
