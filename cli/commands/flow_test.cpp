// SPDX-License-Identifier: Apache-2.0
// `fstage flow test [FLOW] [--case NAME] [--junit FILE] [--json] [-f MANIFEST]`: runs the test
// cases kept beside each flow (flows/orders.test.yaml), mocked states answered by their mocks
// and the others by the real functions in their sandboxes, and reports every case.
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/time.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/flow/junit.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/flow/testcase.hpp>
#include <fstage/flow/testrun.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "flow_common.hpp"
#include "flow_invoker.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
using flow::CaseResult;

struct FlowTestOptions {
  std::string flow;
  std::string only_case;
  std::string junit;
  std::string file;
  bool json = false;
};

// One flow with its test file, loaded and checked before anything runs.
struct Suite {
  flow::Definition def;
  flow::TestFile tests;
  std::string shown;  // the test file as messages name it
};

// The real functions, made on the first call no mock answers: a test whose states are all
// mocked builds nothing and needs no sandbox. A failure to make them answers every such call
// as a sandbox failure, which the case reports.
class LazyInvoker final : public flow::Invoker {
 public:
  LazyInvoker(Context& ctx, const manifest::Manifest& m, const flow::Definition& def)
      : m_ctx(ctx), m_manifest(m), m_def(def) {}
  ~LazyInvoker() override {
    if (m_real) {
      m_real->shutdown();
    }
  }

  flow::InvocationResult invoke(const flow::Invocation& call) override {
    flow::Invoker* real = get();
    if (real == nullptr) {
      flow::InvocationResult r;
      r.status = flow::InvocationResult::Status::sandbox;
      r.error_type = "SandboxFailure";
      r.error_message = m_error;
      return r;
    }
    return real->invoke(call);
  }

 private:
  flow::Invoker* get() {
    std::lock_guard lock(m_mutex);
    if (!m_tried) {
      m_tried = true;
      FlowInvokerOptions options;
      options.cancel_fd = interrupt_flag().fd();
      options.warnings = m_ctx.verbosity >= 0 ? m_ctx.err : nullptr;
      if (m_ctx.verbosity > 0) {
        options.on_log_line = [this](std::string_view line) {
          std::lock_guard log_lock(m_log_mutex);
          *m_ctx.err << line << "\n";
        };
      }
      auto made = make_flow_invoker(m_ctx, m_manifest, m_def, {}, std::move(options));
      if (made) {
        m_real = std::move(*made);
      } else {
        m_error = made.error().message;
        if (!made.error().hint.empty()) {
          m_error += " (" + made.error().hint + ")";
        }
      }
    }
    return m_real.get();
  }

  Context& m_ctx;
  const manifest::Manifest& m_manifest;
  const flow::Definition& m_def;
  std::mutex m_mutex;
  std::mutex m_log_mutex;
  bool m_tried = false;
  std::unique_ptr<FlowInvoker> m_real;
  std::string m_error;
};

// The flows to test: FLOW alone, or every flow that has a test file.
Expected<std::vector<Suite>> load_suites(Context& ctx, const manifest::Manifest& m,
                                         const FlowTestOptions& opts) {
  std::vector<Suite> out;
  std::vector<std::string> looked;
  for (const auto& src : m.flows) {
    if (!opts.flow.empty() && src.name != opts.flow) {
      continue;
    }
    const fs::path file = flow::test_file_path(m, src);
    const std::string shown = ctx.display_path(file);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      looked.push_back(shown);
      continue;
    }
    // As flow run loads it: its warnings printed, its errors every one a detail line.
    flow::FlowSet set = flow::load_flow_source(m, src);
    for (const auto& d : set.warnings) {
      warn(ctx, d.str());
    }
    if (!set.errors.empty() || set.flows.empty()) {
      return fail(manifest::validation_error(set.errors, "flow " + quote(src.name)));
    }
    Suite s;
    s.def = std::move(set.flows.front());
    s.tests = FSTAGE_TRY(flow::load_test_file(file, shown, s.def));
    s.shown = shown;
    out.push_back(std::move(s));
  }
  if (!opts.flow.empty() && out.empty() && looked.empty()) {
    return fail(flow::unknown_flow(m, opts.flow));
  }
  if (out.empty()) {
    std::string what = opts.flow.empty() ? (m.flows.empty() ? "the manifest has no flows"
                                                            : "no flow has a test file")
                                         : "flow " + quote(opts.flow) + " has no test file";
    std::string hint = m.flows.empty()
                           ? "add a flow under 'flows:' in the manifest; 'fstage init NAME "
                             "--flow' makes a project with one and its tests"
                           : "write the cases in " + join(looked, " or ") +
                                 " (the README's \"Function flows\" shows the form)";
    return fail(ErrorCode::not_found, what, hint);
  }
  return out;
}

// --case NAME: keeps that case only; not_found (with the names there are) when no file has it.
Expected<void> select_case(std::vector<Suite>& suites, const std::string& name) {
  if (name.empty()) {
    return {};
  }
  std::vector<std::string> names;
  bool found = false;
  for (auto& s : suites) {
    auto& cases = s.tests.cases;
    for (const auto& c : cases) {
      names.push_back(c.name);
    }
    std::erase_if(cases, [&](const flow::TestCase& c) { return c.name != name; });
    found = found || !cases.empty();
  }
  if (!found) {
    return fail(ErrorCode::not_found,
                "no test case named " + quote(name) + did_you_mean(name, names),
                "the cases: " + join(names, ", "));
  }
  std::erase_if(suites, [](const Suite& s) { return s.tests.cases.empty(); });
  return {};
}

// JUnit's timestamp: ISO 8601 in UTC without a zone designator (the schema's pattern).
std::string junit_timestamp() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::string t = utc_iso8601(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  if (t.ends_with('Z')) {
    t.pop_back();
  }
  return t;
}

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}

void print_case(std::ostream& out, const Suite& s, const CaseResult& r, int verbosity) {
  const bool passed = r.outcome == CaseResult::Outcome::passed;
  if (passed && verbosity < 0) {
    return;
  }
  out << (passed                                     ? "  PASS  "
          : r.outcome == CaseResult::Outcome::failed ? "  FAIL  "
                                                     : "  ERROR ")
      << r.name << "  (" << ms_text(r.duration_ms) << ", " << r.calls << " call"
      << (r.calls == 1 ? "" : "s");
  if (r.mocked_calls > 0) {
    out << ", " << r.mocked_calls << " mocked";
  }
  out << ")\n";
  if (!passed) {
    out << "        at " << s.shown << ":" << r.where.line << ":" << r.where.column << "\n";
  }
  for (const auto& line : flow::failure_lines(r)) {
    out << "        " << line << "\n";
  }
  if (verbosity > 0 && !r.execution.path.empty()) {
    out << "        path: [" << join(r.execution.path, ", ") << "]\n";
  }
}

OrderedJson case_json(const CaseResult& r) {
  OrderedJson j = OrderedJson::object();
  j["name"] = r.name;
  j["line"] = r.where.line;
  j["outcome"] = r.outcome == CaseResult::Outcome::passed   ? "passed"
                 : r.outcome == CaseResult::Outcome::failed ? "failed"
                                                            : "error";
  j["duration_ms"] = r.duration_ms;
  j["calls"] = r.calls;
  j["mocked_calls"] = r.mocked_calls;
  j["mismatches"] = OrderedJson::array();
  for (const auto& m : r.mismatches) {
    j["mismatches"].push_back(
        {{"what", m.what}, {"line", m.where.line}, {"column", m.where.column}, {"lines", m.lines}});
  }
  if (!r.error.empty()) {
    j["error"] = r.error;
  }
  if (!r.execution.status.empty()) {
    j["execution"] = flow::to_json(r.execution);
  }
  return j;
}

Expected<int> run_flow_test(Context& ctx, const FlowTestOptions& opts) {
  const fs::path file = FSTAGE_TRY(manifest_path(ctx, opts.file));
  const manifest::Manifest m = FSTAGE_TRY(load_project(ctx, file));
  for (const auto& d : m.warnings) {
    if (d.function.empty()) {
      warn(ctx, d.str());
    }
  }
  std::vector<Suite> suites = FSTAGE_TRY(load_suites(ctx, m, opts));
  FSTAGE_TRY(select_case(suites, opts.only_case));

  std::vector<flow::SuiteResult> results;
  for (const auto& s : suites) {
    LazyInvoker real(ctx, m, s.def);
    flow::RunOptions base;
    base.cancel_fd = interrupt_flag().fd();
    flow::SuiteResult sr;
    sr.flow = s.def.name;
    sr.file = s.shown;
    sr.timestamp = junit_timestamp();
    if (!opts.json) {
      *ctx.out << "flow " << s.def.name << " (" << s.shown << ")\n" << std::flush;
    }
    const auto start = std::chrono::steady_clock::now();
    for (const auto& tc : s.tests.cases) {
      sr.cases.push_back(flow::run_case(s.def, tc, &real, base));
      // A case cut short by Ctrl-C has no verdict: nothing more is printed or written, and
      // the invoker's destructor stops every sandbox before the command returns.
      if (interrupted()) {
        return fail(interrupted_error());
      }
      if (!opts.json) {
        print_case(*ctx.out, s, sr.cases.back(), ctx.verbosity);
        *ctx.out << std::flush;
      }
    }
    sr.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    results.push_back(std::move(sr));
  }

  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t errors = 0;
  for (const auto& r : results) {
    passed += r.count(CaseResult::Outcome::passed);
    failed += r.count(CaseResult::Outcome::failed);
    errors += r.count(CaseResult::Outcome::error);
  }
  if (!opts.junit.empty()) {
    const fs::path junit = ctx.resolve(opts.junit);
    FSTAGE_TRY(write_file_atomic(junit, flow::junit_xml(results)));
    if (ctx.verbosity > 0) {
      *ctx.err << "fstage: wrote " << ctx.display_path(junit) << "\n";
    }
  }
  if (opts.json) {
    OrderedJson j = OrderedJson::object();
    j["passed"] = passed;
    j["failed"] = failed;
    j["errors"] = errors;
    j["flows"] = OrderedJson::array();
    for (const auto& r : results) {
      OrderedJson f = {{"flow", r.flow}, {"file", r.file}, {"duration_ms", r.duration_ms}};
      f["cases"] = OrderedJson::array();
      for (const auto& c : r.cases) {
        f["cases"].push_back(case_json(c));
      }
      j["flows"].push_back(std::move(f));
    }
    *ctx.out << json_text(j, 2) << "\n";
  } else {
    *ctx.out << passed << " passed, " << failed << " failed";
    if (errors > 0) {
      *ctx.out << ", " << errors << " could not run";
    }
    *ctx.out << "\n";
  }
  return failed + errors == 0 ? k_exit_ok : k_exit_flow_failed;
}

}  // namespace

void register_flow_test(CLI::App& flow, Context& ctx) {
  auto opts = std::make_shared<FlowTestOptions>();
  auto* cmd = flow.add_subcommand(
      "test", "Run the test cases kept beside each flow (flows/NAME.test.yaml)");
  add_flow_argument(cmd, opts->flow, "flow",
                    "The flow to test (default: every flow with a test file)");
  cmd->add_option("--case", opts->only_case, "Run only the case of this name")->type_name("NAME");
  cmd->add_option("--junit", opts->junit, "Also write the results as JUnit XML to FILE")
      ->type_name("FILE");
  add_manifest_option(cmd, opts->file);
  add_json_flag(cmd, opts->json, ctx,
                "Print one JSON object: passed, failed, errors, and each flow's cases with "
                "their mismatches and executions");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_flow_test(ctx, *opts); }; });
}

}  // namespace fstage::cli
