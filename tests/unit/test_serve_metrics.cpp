// SPDX-License-Identifier: Apache-2.0
// serve's metrics in the Prometheus text exposition format: escaping, values, histograms with
// cumulative buckets and _sum/_count, HELP and TYPE once per family with its samples grouped.
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/serve/metrics.hpp>
#include <fstage/serve/pool.hpp>

using namespace fstage;
using namespace fstage::serve;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("Label values and HELP text are escaped as the format says", "[serve][metrics]") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(escape_help("say \"hi\"\\\n") == "say \"hi\"\\\\\\n");

  Exposition e;
  e.family("x_total", "counter", "two\nlines");
  e.sample("x_total", {{"function", "we\"ird\\na\nme"}}, 3);
  CHECK(e.text() ==
        "# HELP x_total two\\nlines\n# TYPE x_total "
        "counter\nx_total{function=\"we\\\"ird\\\\na\\nme\"} 3\n");
}

TEST_CASE("Sample values are integers or the shortest exact decimal", "[serve][metrics]") {
  CHECK(format_metric_value(0) == "0");
  CHECK(format_metric_value(42) == "42");
  CHECK(format_metric_value(0.25) == "0.25");
  CHECK(format_metric_value(0.1) == "0.1");
  CHECK(format_metric_value(1.0 / 3) == "0.33333333333333331");
  CHECK(format_metric_value(1e300 * 1e300) == "+Inf");
  CHECK(format_metric_value(-1e300 * 1e300) == "-Inf");
  CHECK(format_metric_value(0.0 / 0.0) == "NaN");
}

TEST_CASE("A histogram writes cumulative buckets, +Inf equal to _count, and _sum",
          "[serve][metrics]") {
  constexpr double bounds[] = {0.1, 1, 10};
  Histogram h(bounds);
  for (double v : {0.05, 0.1, 0.5, 2.0, 20.0, 30.0}) {
    h.observe(v);
  }
  auto s = h.snapshot();
  REQUIRE(s.cumulative == std::vector<std::uint64_t>{2, 3, 4, 6});  // 0.1 is "le" 0.1
  CHECK(s.count == 6);
  CHECK(s.sum == Approx(52.65));

  Exposition e;
  e.family("d_seconds", "histogram", "durations");
  e.histogram("d_seconds", {{"function", "f"}}, s);
  CHECK(e.text() ==
        "# HELP d_seconds durations\n"
        "# TYPE d_seconds histogram\n"
        "d_seconds_bucket{function=\"f\",le=\"0.1\"} 2\n"
        "d_seconds_bucket{function=\"f\",le=\"1\"} 3\n"
        "d_seconds_bucket{function=\"f\",le=\"10\"} 4\n"
        "d_seconds_bucket{function=\"f\",le=\"+Inf\"} 6\n"
        "d_seconds_sum{function=\"f\"} 52.65\n"
        "d_seconds_count{function=\"f\"} 6\n");
}

TEST_CASE("Concurrent observations are all counted", "[serve][metrics]") {
  constexpr double bounds[] = {1};
  Histogram h(bounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) {
        h.observe(i % 2 ? 0.5 : 2.0);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  auto s = h.snapshot();
  CHECK(s.count == 40000);
  CHECK(s.cumulative[0] == 20000);
  CHECK(s.sum == Approx(50000));
}

TEST_CASE("HELP and TYPE come once per family, its samples grouped under them",
          "[serve][metrics]") {
  MetricsRegistry reg;
  auto a = reg.function("alpha");
  auto b = reg.function("beta");
  REQUIRE(reg.function("alpha") == a);  // the same object across reloads

  sandbox::InvokeResult ok;
  ok.status = sandbox::InvokeStatus::ok;
  ok.cold = true;
  ok.duration_ms = 12;
  ok.init_duration_ms = 300;
  ok.max_memory_bytes = 5000;
  a->record(ok);
  ok.cold = false;
  ok.max_memory_bytes = 4000;
  a->record(ok);
  sandbox::InvokeResult err = ok;
  err.status = sandbox::InvokeStatus::function_error;
  b->record(err);
  err.status = sandbox::InvokeStatus::timeout;
  b->record(err);
  b->rejected();
  reg.flow("order")->record("success", 0.2);
  reg.flow("order")->record("fail", 0.3);

  PoolStats stats;
  stats.workers = 3;
  stats.busy = 1;
  stats.queued = 2;
  const std::string text = reg.render({{"alpha", stats}});
  for (const char* fam : {"fstage_function_invocations_total", "fstage_function_duration_seconds",
                          "fstage_function_instances", "fstage_flow_executions_total"}) {
    CHECK(count_of(text, std::string("# TYPE ") + fam + " ") == 1);
    CHECK(count_of(text, std::string("# HELP ") + fam + " ") == 1);
  }
  // Every sample of a family comes before the next family's HELP.
  const auto inv = text.find("# HELP fstage_function_invocations_total");
  const auto next = text.find("# HELP", inv + 1);
  CHECK(text.rfind("fstage_function_invocations_total{", next) > inv);
  CHECK(text.find("fstage_function_invocations_total{", next) == std::string::npos);

  CHECK(count_of(text,
                 "fstage_function_invocations_total{function=\"alpha\",status=\"success\"} 2\n") ==
        1);
  CHECK(count_of(text,
                 "fstage_function_invocations_total{function=\"beta\",status=\"error\"} 1\n") == 1);
  CHECK(count_of(text,
                 "fstage_function_invocations_total{function=\"beta\",status=\"timeout\"} 1\n") ==
        1);
  CHECK(count_of(text,
                 "fstage_function_invocations_total{function=\"beta\",status=\"rejected\"} 1\n") ==
        1);
  CHECK(count_of(text, "fstage_function_cold_starts_total{function=\"alpha\"} 1\n") == 1);
  CHECK(count_of(text, "fstage_function_init_duration_seconds_count{function=\"alpha\"} 1\n") == 1);
  CHECK(count_of(text, "fstage_function_duration_seconds_count{function=\"alpha\"} 2\n") == 1);
  CHECK(count_of(text, "fstage_function_peak_memory_bytes{function=\"alpha\"} 5000\n") == 1);
  CHECK(count_of(text, "fstage_function_instances{function=\"alpha\",state=\"busy\"} 1\n") == 1);
  CHECK(count_of(text, "fstage_function_instances{function=\"alpha\",state=\"idle\"} 2\n") == 1);
  CHECK(count_of(text, "fstage_function_queue_depth{function=\"alpha\"} 2\n") == 1);
  CHECK(count_of(text, "fstage_flow_executions_total{flow=\"order\",status=\"fail\"} 1\n") == 1);
  CHECK(count_of(text, "fstage_flow_duration_seconds_count{flow=\"order\"} 2\n") == 1);
}

TEST_CASE("Without flows there is no flow family at all", "[serve][metrics]") {
  MetricsRegistry reg;
  reg.function("f");
  const std::string text = reg.render({});
  CHECK(text.find("fstage_flow") == std::string::npos);
  CHECK(text.find("fstage_function_invocations_total{function=\"f\",status=\"success\"} 0\n") !=
        std::string::npos);
}
