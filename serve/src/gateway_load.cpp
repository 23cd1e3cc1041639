// SPDX-License-Identifier: Apache-2.0
// Loading a project: the manifest, each function built and given a pool (kept across reloads
// when its spec is unchanged), its APIG triggers as routes and TIMER triggers as timers, and
// the flows with their triggers.
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

// An APIG route's wait for a function held by a debugger (serve --debug): a day.
constexpr int k_debug_route_timeout_ms = 24 * 3600 * 1000;

// Two specs that run the same code the same way share a pool across manifest reloads.
std::string spec_key(const sb::FunctionSpec& s) {
  std::string k = s.name + '\n' + std::string(s.runtime.name) + '\n' + s.handler + '\n' +
                  s.initializer + '\n' + std::to_string(s.initializer_timeout) + '\n' +
                  std::to_string(s.memory_mb) + '\n' + std::to_string(s.timeout_s) + '\n' +
                  s.code_dir.string() + '\n' + s.package + '\n' + s.region + '\n';
  for (const auto& [key, value] : s.env) {
    k += key + '=' + value + '\n';
  }
  return k;
}

}  // namespace

// The manifest's reserved_instances start now, in the background; --concurrency stays the
// ceiling (an HTTP function on the host's network, or one under --debug, has one instance).
void Gateway::reserve_instances(const manifest::Function& fn, FunctionPool& pool, int concurrency) {
  if (fn.reserved_instances <= 0) {
    return;
  }
  const int n = pool.reserve(fn.reserved_instances);
  if (n < fn.reserved_instances) {
    m_log.event("warn", fn.name + ": reserved_instances " + std::to_string(fn.reserved_instances) +
                            " is over the " + std::to_string(n) + " instance" +
                            (n == 1 ? "" : "s") + " --concurrency " + std::to_string(concurrency) +
                            " allows: " + std::to_string(n) + " reserved");
  }
}

Expected<std::shared_ptr<Project>> Gateway::load(const Project* previous) {
  auto p = std::make_shared<Project>();
  p->manifest =
      FSTAGE_TRY(manifest::load_manifest(m_opts.manifest, m_opts.manifest_name, m_opts.load));
  if (!m_opts.debug_function.empty() && p->manifest.find(m_opts.debug_function) == nullptr) {
    return fail(ErrorCode::usage,
                "--debug names " + quote(m_opts.debug_function) + ", which " +
                    m_opts.manifest_name + " does not define",
                "fstage serve --debug FUNC[:PORT] with one of the manifest's functions");
  }
  for (const auto& w : p->manifest.warnings) {
    m_log.event("warn", w.str());
  }
  builder::BuildOptions bo = m_opts.build;
  bo.on_status = [this](const std::string& s) { m_log.event("info", s); };
  bo.on_warning = [this](const std::string& w) { m_log.event("warn", w); };
  for (const auto& fn : p->manifest.functions) {
    auto built = builder::build_function(p->manifest, fn, bo);
    if (!built) {
      Error e = std::move(built).error();
      return fail(std::move(e).with_context("while building function " + quote(fn.name)));
    }
    for (const auto& w : built->watch) {
      if (std::find(p->watch.begin(), p->watch.end(), w) == p->watch.end()) {
        p->watch.push_back(w);
      }
    }
    sb::FunctionSpec spec = sb::function_spec(p->manifest, fn, built->run_tree);
    // The function's own instance quota caps --concurrency, as the platform caps it: a
    // function set to one instance at a time (a resource it must not share) gets one here.
    // (0, which disables it there, has the manifest's warning and runs here.)
    const int quota = fn.settings.instance_quota();
    // A new quota or reserved count, like new code, makes a new pool on a reload.
    std::string key = spec_key(spec) + "quota=" + std::to_string(quota) +
                      "\nreserved=" + std::to_string(fn.reserved_instances) + '\n';
    if (previous != nullptr && previous->keys.count(fn.name) != 0 &&
        previous->keys.at(fn.name) == key) {
      p->pools[fn.name] = previous->pools.at(fn.name);
    } else {
      sb::RunnerOptions ro = m_opts.runner;
      PoolOptions po = observed_pool(fn.name);
      if (quota > 0 && quota < po.concurrency) {
        po.concurrency = quota;
        m_log.event("info", fn.name + ": " + std::to_string(quota) + " instance" +
                                (quota == 1 ? "" : "s") +
                                " at most (its strategy_config.concurrency)");
      }
      if (fn.name == m_opts.debug_function && m_opts.debug) {
        FSTAGE_TRY(m_opts.debug(p->manifest, fn, ro.debug));
        ro.debug.on_listening = [this](const std::string& l) { m_log.event("info", l); };
        po.concurrency = 1;  // one debugger port, one instance
      }
      auto pool = FunctionPool::create(spec, ro, m_caps, po, m_log);
      if (!pool) {
        Error e = std::move(pool).error();
        return fail(std::move(e).with_context("while preparing function " + quote(fn.name)));
      }
      p->pools[fn.name] = std::move(*pool);
      reserve_instances(fn, *p->pools[fn.name], po.concurrency);
    }
    p->keys[fn.name] = key;
    int timer_index = 0;
    for (const auto& t : fn.triggers) {
      if (t.type == "APIG") {
        Route r;
        r.function = fn.name;
        r.method = t.fields.value("method", "ANY");
        r.path = t.fields.value("path", "/");
        r.timeout_ms = t.fields.value("timeout", 5000);
        if (fn.name == m_opts.debug_function) {
          r.timeout_ms = k_debug_route_timeout_ms;  // a debugger may hold the function
        }
        r.api_id = stable_api_id(fn.name, r.method, r.path);
        r.cors = t.fields.value("cors", false);
        p->router.add(std::move(r));
      } else if (t.type == "TIMER") {
        ++timer_index;
        if (!t.fields.value("enabled", true)) {
          continue;
        }
        TimerSpec ts;
        ts.function = fn.name;
        ts.name = t.fields.value(
            "name", fn.name + "-timer" + (timer_index > 1 ? std::to_string(timer_index) : ""));
        ts.schedule_text = t.fields.value("schedule", "");
        ts.user_event = t.fields.value("user_event", "");
        auto parsed =
            manifest::parse_schedule(t.fields.value("schedule_type", "Rate"), ts.schedule_text);
        if (!parsed) {
          m_log.event("warn", fn.name + ": timer " + quote(ts.schedule_text) +
                                  " not scheduled: " + parsed.error().message);
          continue;
        }
        ts.schedule = *parsed;
        auto zone = TimeZone::load(ts.schedule.time_zone);
        if (!zone) {
          m_log.event("warn", fn.name + ": " + zone.error().message + "; timer uses UTC");
        }
        ts.zone = zone ? *zone : TimeZone::utc();
        p->timers.push_back(std::move(ts));
      }
    }
  }
  p->flows = load_served_flows(p->manifest, m_log);
  add_flow_triggers(p->flows, p->router, p->timers, m_log);
  // serve's own routes (the console, metrics, ...) are under k_internal_prefix: a trigger's
  // route there would never be reached, so it is left out, and said so.
  Router kept;
  for (const auto& r : p->router.routes()) {
    if (std::string_view(r.path + "/").starts_with(k_internal_prefix)) {
      m_log.event("warn", "route " + r.method + " " + r.path + " of " +
                              (r.flow.empty() ? quote(r.function) : "flow " + quote(r.flow)) +
                              " not served: " + std::string(k_internal_prefix) +
                              " is fstage serve's own; give the APIG trigger another path");
      continue;
    }
    kept.add(r);
  }
  p->router = std::move(kept);
  return p;
}

}  // namespace fstage::serve::detail
