// SPDX-License-Identifier: Apache-2.0
// `GET /_fstage/metrics`: what `fstage serve` counts, in the Prometheus text exposition format
// (version 0.0.4). A small registry of our own: counters and gauges are atomics, a histogram
// has fixed buckets of atomics, so that the request path never takes a lock to count; the
// text is made only when scraped.
//
// Per function (FunctionMetrics, one per manifest function, kept across reloads so that the
// counters never go back): invocations by status, duration and init-duration histograms, cold
// starts, 503s, peak memory; its pools' busy and idle instances and queue depth are read at
// scrape time (PoolStats). Per flow (FlowMetrics): executions by status, duration.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/sandbox/function.hpp>

namespace fstage::serve {

struct PoolStats;

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A label value as the format writes it: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and newline escaped (a double quote stays).
std::string escape_help(std::string_view text);
// A sample value: integers without a decimal point, others in the shortest form that reads
// back the same; +Inf, -Inf, NaN as the format spells them.
std::string format_metric_value(double value);

// Cumulative buckets with fixed upper bounds (and +Inf), a sum and a count; observe() is
// lock-free.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;             // the finite upper bounds, ascending
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> m_bounds;
  std::unique_ptr<std::atomic<std::uint64_t>[]> m_counts;  // per bucket, not cumulative
  std::atomic<double> m_sum{0};
  std::atomic<std::uint64_t> m_count{0};
};

// Collects the samples of each family and writes them grouped, HELP and TYPE once per family,
// families in the order they were first declared.
class Exposition {
 public:
  // Declares a family (type "counter", "gauge" or "histogram"); declaring it again is a no-op.
  void family(std::string_view name, std::string_view type, std::string_view help);
  // A counter's or gauge's sample. The family must have been declared.
  void sample(std::string_view family, const MetricLabels& labels, double value);
  // A histogram's _bucket (with le), _sum and _count lines.
  void histogram(std::string_view family, const MetricLabels& labels, const Histogram::Snapshot& s);
  std::string text() const;

 private:
  struct Family {
    std::string name;
    std::string type;
    std::string help;
    std::string lines;
  };
  Family& find(std::string_view name);
  std::vector<Family> m_families;
};

// Invocation outcomes as the metrics name them.
enum class InvocationOutcome : std::size_t {
  success,
  error,
  timeout,
  crash,
  oom,
  sandbox_error,
  cancelled,
  rejected,  // refused at the door: queue full or shutting down (the gateway answers 503)
  count_
};
std::string_view outcome_name(InvocationOutcome o);
InvocationOutcome outcome_of(sandbox::InvokeStatus status);

struct FunctionMetrics {
  FunctionMetrics();
  // One finished invocation (a pool's worker, after the runner returned).
  void record(const sandbox::InvokeResult& r);
  void rejected() { ++invocations[static_cast<std::size_t>(InvocationOutcome::rejected)]; }

  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(InvocationOutcome::count_)>
      invocations{};
  std::atomic<std::uint64_t> cold_starts{0};
  std::atomic<std::uint64_t> http_503{0};  // 503 answers on the function's routes
  // Requests queued in their instance behind the running one (FunctionRunner::invoke's `next`)
  std::atomic<std::uint64_t> queued_in_instance{0};
  std::atomic<std::uint64_t> peak_memory_bytes{0};
  Histogram duration;       // seconds
  Histogram init_duration;  // seconds, cold starts only
};

struct FlowMetrics {
  FlowMetrics();
  void record(std::string_view status, double seconds);

  std::mutex mutex;  // a flow ends rarely: a map under a lock is cheap enough
  std::map<std::string, std::uint64_t, std::less<>> executions;  // by status
  Histogram duration;                                            // seconds
};

class MetricsRegistry {
 public:
  // The function's metrics, made on first use; the same object for the life of serve.
  std::shared_ptr<FunctionMetrics> function(const std::string& name);
  std::shared_ptr<FlowMetrics> flow(const std::string& name);
  // The exposition text; `pools` are the current pools' stats by function (gauges).
  std::string render(const std::map<std::string, PoolStats>& pools);

 private:
  std::mutex m_mutex;  // the maps only; the metrics themselves are atomics
  std::map<std::string, std::shared_ptr<FunctionMetrics>> m_functions;
  std::map<std::string, std::shared_ptr<FlowMetrics>> m_flows;
};

// The Content-Type of the exposition.
inline constexpr std::string_view k_metrics_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace fstage::serve
