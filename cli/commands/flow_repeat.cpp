// SPDX-License-Identifier: Apache-2.0
#include "flow_repeat.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <vector>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/numbers.hpp>

#include <sys/resource.h>

namespace fstage::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Forwards every call, keeping a copy: the first run's invocations, to replay.
class Recorder final : public flow::Invoker {
 public:
  explicit Recorder(flow::Invoker& inner) : m_inner(inner) {}
  flow::InvocationResult invoke(const flow::Invocation& call) override {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      calls.push_back(call);
    }
    return m_inner.invoke(call);
  }
  std::vector<flow::Invocation> calls;

 private:
  flow::Invoker& m_inner;
  std::mutex m_mutex;
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(ceil_to_int(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(idx == 0 ? 0 : idx - 1, v.size() - 1)];
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

Expected<RepeatReport> repeat_flow(const flow::Definition& def, flow::Invoker& invoker,
                                   const flow::RunOptions& options, int rounds) {
  flow::RunOptions ro = options;
  ro.on_event = nullptr;  // no timeline while measuring
  Recorder recorder(invoker);
  RepeatReport report;
  // The warm-up: every instance started, the invocations recorded.
  report.last = FSTAGE_TRY(flow::run(def, recorder, ro));
  const std::size_t states = report.last.path.size();
  std::vector<double> flow_ms, direct_ms, engine_ms;
  bool direct_ok = true;
  for (int i = 0; i < rounds && !interrupted(); ++i) {
    ro.execution_id.clear();  // a new execution each round
    auto t0 = Clock::now();
    report.last = FSTAGE_TRY(flow::run(def, invoker, ro));
    flow_ms.push_back(ms_since(t0));
    engine_ms.push_back(report.last.engine_ms);
    t0 = Clock::now();
    for (const auto& call : recorder.calls) {
      auto r = invoker.invoke(call);
      direct_ok = direct_ok && r.status == flow::InvocationResult::Status::ok;
    }
    direct_ms.push_back(ms_since(t0));
  }
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  const double flow_p50 = percentile(flow_ms, 50);
  const double direct_p50 = percentile(direct_ms, 50);
  auto& s = report.summary;
  s["rounds"] = flow_ms.size();
  s["states"] = states;
  s["invocations"] = recorder.calls.size();
  s["flow_p50_ms"] = round_to(flow_p50, 4);
  s["flow_p99_ms"] = round_to(percentile(flow_ms, 99), 4);
  s["direct_p50_ms"] = round_to(direct_p50, 4);
  s["direct_p99_ms"] = round_to(percentile(direct_ms, 99), 4);
  s["direct_all_ok"] = direct_ok;
  // The flow's wall time above its functions' own, per state run.
  s["overhead_per_state_ms"] =
      round_to(states == 0 ? 0.0 : (flow_p50 - direct_p50) / static_cast<double>(states), 4);
  // The engine's own figure (wall minus time inside Invoker::invoke), per state.
  s["engine_p50_ms"] = round_to(percentile(engine_ms, 50), 4);
  s["engine_per_state_ms"] =
      round_to(states == 0 ? 0.0 : percentile(engine_ms, 50) / static_cast<double>(states), 4);
  s["fstage_max_rss_kb"] = ru.ru_maxrss;
  return report;
}

std::string repeat_summary_line(const OrderedJson& s) {
  auto num = [&s](const char* k) { return s.value(k, 0.0); };
  return "REPEAT Rounds: " + std::to_string(s.value("rounds", 0)) +
         "\tStates: " + std::to_string(s.value("states", 0)) +
         "\tFlow p50: " + fixed(num("flow_p50_ms"), 3) +
         " ms\tDirect p50: " + fixed(num("direct_p50_ms"), 3) +
         " ms\tOverhead/state: " + fixed(num("overhead_per_state_ms"), 4) +
         " ms\tEngine/state: " + fixed(num("engine_per_state_ms"), 4) +
         " ms\tfstage peak RSS: " + std::to_string(s.value("fstage_max_rss_kb", 0L) / 1024) + " MB";
}

}  // namespace fstage::cli
