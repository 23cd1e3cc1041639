// SPDX-License-Identifier: Apache-2.0
// serve's metrics: what is counted per function and per flow, and the scrape's text.
#include <fstage/serve/metrics.hpp>
#include <fstage/serve/pool.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;

namespace {

// Seconds. An invocation runs from about a millisecond to the platform's 900 s maximum.
constexpr double k_duration_buckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                         1,     2.5,   5,    10,    30,   60,  300,  900};
// An instance starts in tens of milliseconds (Python, Node.js) to seconds (Java, a big import).
constexpr double k_init_buckets[] = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
// A flow runs from milliseconds (EXPRESS) to hours (Sleep states).
constexpr double k_flow_buckets[] = {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};

}  // namespace

std::string_view outcome_name(InvocationOutcome o) {
  switch (o) {
    case InvocationOutcome::success:
      return "success";
    case InvocationOutcome::error:
      return "error";
    case InvocationOutcome::timeout:
      return "timeout";
    case InvocationOutcome::crash:
      return "crash";
    case InvocationOutcome::oom:
      return "oom";
    case InvocationOutcome::sandbox_error:
      return "sandbox_error";
    case InvocationOutcome::cancelled:
      return "cancelled";
    case InvocationOutcome::rejected:
      return "rejected";
    case InvocationOutcome::count_:
      break;
  }
  return "unknown";
}

InvocationOutcome outcome_of(sb::InvokeStatus status) {
  switch (status) {
    case sb::InvokeStatus::ok:
      return InvocationOutcome::success;
    case sb::InvokeStatus::function_error:
      return InvocationOutcome::error;
    case sb::InvokeStatus::timeout:
      return InvocationOutcome::timeout;
    case sb::InvokeStatus::oom:
      return InvocationOutcome::oom;
    case sb::InvokeStatus::killed:
      return InvocationOutcome::crash;
    case sb::InvokeStatus::cancelled:
      return InvocationOutcome::cancelled;
    case sb::InvokeStatus::sandbox_error:
      break;
  }
  return InvocationOutcome::sandbox_error;
}

FunctionMetrics::FunctionMetrics() : duration(k_duration_buckets), init_duration(k_init_buckets) {}

void FunctionMetrics::record(const sb::InvokeResult& r) {
  ++invocations[static_cast<std::size_t>(outcome_of(r.status))];
  // An instance that never started (sandbox_error before the runner) ran nothing to time.
  if (r.status != sb::InvokeStatus::sandbox_error || r.duration_ms > 0) {
    duration.observe(r.duration_ms / 1000.0);
  }
  if (r.cold) {
    ++cold_starts;
    init_duration.observe(r.init_duration_ms / 1000.0);
  }
  std::uint64_t peak = peak_memory_bytes.load(std::memory_order_relaxed);
  while (r.max_memory_bytes > peak &&
         !peak_memory_bytes.compare_exchange_weak(peak, r.max_memory_bytes)) {
  }
}

FlowMetrics::FlowMetrics() : duration(k_flow_buckets) {}

void FlowMetrics::record(std::string_view status, double seconds) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = executions.find(status);
    if (it == executions.end()) {
      executions.emplace(std::string(status), 1);
    } else {
      ++it->second;
    }
  }
  duration.observe(seconds);
}

std::shared_ptr<FunctionMetrics> MetricsRegistry::function(const std::string& name) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto& m = m_functions[name];
  if (!m) {
    m = std::make_shared<FunctionMetrics>();
  }
  return m;
}

std::shared_ptr<FlowMetrics> MetricsRegistry::flow(const std::string& name) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto& m = m_flows[name];
  if (!m) {
    m = std::make_shared<FlowMetrics>();
  }
  return m;
}

std::string MetricsRegistry::render(const std::map<std::string, PoolStats>& pools) {
  std::map<std::string, std::shared_ptr<FunctionMetrics>> functions;
  std::map<std::string, std::shared_ptr<FlowMetrics>> flows;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    functions = m_functions;
    flows = m_flows;
  }
  Exposition e;
  e.family("fstage_function_invocations_total", "counter",
           "Invocations of the function by outcome (rejected: refused with the queue full or "
           "while shutting down)");
  e.family("fstage_function_duration_seconds", "histogram",
           "Duration of the function's invocations, initialisation excluded");
  e.family("fstage_function_init_duration_seconds", "histogram",
           "Initialisation of a new instance (start, import, initializer) at a cold start");
  e.family("fstage_function_cold_starts_total", "counter",
           "Invocations that started a new instance");
  e.family("fstage_function_http_503_total", "counter",
           "503 answers on the function's APIG routes");
  e.family("fstage_function_queued_in_instance_total", "counter",
           "Requests of a quick function sent under load to a busy instance, which started "
           "each as soon as the one before answered");
  e.family("fstage_function_peak_memory_bytes", "gauge",
           "Highest memory use of one invocation so far");
  e.family("fstage_function_instances", "gauge", "Instances of the function, busy or idle");
  e.family("fstage_function_queue_depth", "gauge", "Requests waiting for an instance");
  e.family("fstage_function_reserved_instances", "gauge",
           "Reserved instances (the manifest's reserved_instances) started and initialised");
  for (const auto& [name, m] : functions) {
    const MetricLabels fn = {{"function", name}};
    for (std::size_t i = 0; i < m->invocations.size(); ++i) {
      e.sample("fstage_function_invocations_total",
               {{"function", name},
                {"status", std::string(outcome_name(static_cast<InvocationOutcome>(i)))}},
               static_cast<double>(m->invocations[i].load()));
    }
    e.histogram("fstage_function_duration_seconds", fn, m->duration.snapshot());
    e.histogram("fstage_function_init_duration_seconds", fn, m->init_duration.snapshot());
    e.sample("fstage_function_cold_starts_total", fn, static_cast<double>(m->cold_starts.load()));
    e.sample("fstage_function_http_503_total", fn, static_cast<double>(m->http_503.load()));
    e.sample("fstage_function_queued_in_instance_total", fn,
             static_cast<double>(m->queued_in_instance.load()));
    e.sample("fstage_function_peak_memory_bytes", fn,
             static_cast<double>(m->peak_memory_bytes.load()));
    PoolStats s;
    if (auto it = pools.find(name); it != pools.end()) {
      s = it->second;
    }
    e.sample("fstage_function_instances", {{"function", name}, {"state", "busy"}}, s.busy);
    e.sample("fstage_function_instances", {{"function", name}, {"state", "idle"}},
             s.workers - s.busy);
    e.sample("fstage_function_queue_depth", fn, static_cast<double>(s.queued));
    e.sample("fstage_function_reserved_instances", fn, s.reserved_ready);
  }
  if (!flows.empty()) {
    e.family("fstage_flow_executions_total", "counter", "Ended executions of the flow by status");
    e.family("fstage_flow_duration_seconds", "histogram", "Duration of the flow's executions");
  }
  for (const auto& [name, m] : flows) {
    std::map<std::string, std::uint64_t, std::less<>> by_status;
    {
      std::lock_guard<std::mutex> lock(m->mutex);
      by_status = m->executions;
    }
    for (const auto& [status, n] : by_status) {
      e.sample("fstage_flow_executions_total", {{"flow", name}, {"status", status}},
               static_cast<double>(n));
    }
    e.histogram("fstage_flow_duration_seconds", {{"flow", name}}, m->duration.snapshot());
  }
  return e.text();
}

}  // namespace fstage::serve
