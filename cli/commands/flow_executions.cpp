// SPDX-License-Identifier: Apache-2.0
// `fstage flow executions [FLOW] [--status S] [--limit N] [--json]` and
// `fstage flow history EID [--json]`: the executions of NORMAL flows `fstage serve` kept in
// <project>/.fstage/executions.db (store/executions.hpp), read without a running serve and
// beside one (a read-only connection; WAL lets it read while serve writes).
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/store/executions.hpp>

#include "../src/options.hpp"
#include "flow_common.hpp"
#include "remote_flow_history.hpp"

namespace fstage::cli {

namespace {

struct KeptOptions {
  std::string manifest;
  std::string flow;
  std::string execution;
  std::string status;
  int limit = 20;
  bool json = false;
};

// The project's store, or nullptr when serve has never kept an execution here.
Expected<std::unique_ptr<store::ExecutionStore>> open_kept(const Context& ctx, const KeptOptions& o,
                                                           std::string& shown) {
  const auto manifest = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  const auto db = store::ExecutionStore::path_for(manifest.parent_path());
  shown = ctx.display_path(db);
  auto s = store::ExecutionStore::open(db, store::ExecutionStore::Mode::reader);
  if (!s && s.error().code == ErrorCode::not_found) {
    return std::unique_ptr<store::ExecutionStore>();
  }
  return s;
}

Expected<int> run_executions(const Context& ctx, const KeptOptions& o) {
  std::string shown;
  auto s = FSTAGE_TRY(open_kept(ctx, o, shown));
  std::vector<store::ExecutionRow> rows;
  if (s) {
    store::ExecutionQuery q;
    q.flow = o.flow;
    q.status = o.status;
    q.limit = static_cast<std::size_t>(o.limit);
    rows = FSTAGE_TRY(s->list(q));
  }
  if (o.json) {
    Json out = Json::array();
    for (const auto& r : rows) {
      out.push_back({{"execution_id", r.execution_id},
                     {"flow", r.flow},
                     {"workflow_id", r.workflow_id},
                     {"workflow_urn", r.workflow_urn},
                     {"status", r.status},
                     {"begin_time", r.begin_time},
                     {"end_time", r.end_time}});
    }
    *ctx.out << json_text(out, 2) << "\n";
    return k_exit_ok;
  }
  for (const auto& r : rows) {
    char line[512];
    std::snprintf(line, sizeof line, "%-36s %-16s %-8s %-20s %s", r.execution_id.c_str(),
                  r.flow.c_str(), r.status.c_str(), r.begin_time.c_str(),
                  r.end_time.empty() ? "-" : r.end_time.c_str());
    *ctx.out << line << "\n";
  }
  if (rows.empty() && ctx.verbosity >= 0) {
    *ctx.err << "fstage: no executions" << (o.flow.empty() ? "" : " of flow " + o.flow)
             << (o.status.empty() ? "" : " with status " + o.status) << " kept in " << shown
             << " (serve keeps those of NORMAL flows; EXPRESS ones are not kept)\n";
  }
  return k_exit_ok;
}

Expected<int> run_history(const Context& ctx, const KeptOptions& o) {
  std::string shown;
  auto s = FSTAGE_TRY(open_kept(ctx, o, shown));
  std::optional<store::ExecutionRow> row;
  if (s) {
    row = FSTAGE_TRY(s->get(o.execution));
  }
  if (!row) {
    return fail(ErrorCode::not_found, "no execution " + o.execution + " kept in " + shown,
                "list them with 'fstage flow executions'; serve keeps the executions of NORMAL "
                "flows only");
  }
  Json record = FSTAGE_TRY(parse_json(row->record, shown));
  if (o.json) {
    *ctx.out << json_text(record, 2) << "\n";
    return k_exit_ok;
  }
  std::set<std::string> printed;
  for (const auto& l : new_history_lines(record, printed)) {
    *ctx.out << l << "\n";
  }
  *ctx.out << history_summary(record) << "\n";
  return k_exit_ok;
}

}  // namespace

void register_flow_executions(CLI::App& flow, Context& ctx) {
  auto opts = std::make_shared<KeptOptions>();
  auto* list = flow.add_subcommand(
      "executions", "The executions of NORMAL flows that 'fstage serve' kept, newest first");
  add_flow_argument(list, opts->flow, "flow", "Only this flow's (default: every flow's)");
  list->add_option("--status", opts->status, "Only these: success, fail, running, timeout, cancel")
      ->check(CLI::IsMember({"success", "fail", "running", "timeout", "cancel"}));
  list->add_option("--limit", opts->limit, "At most this many (default 20)")
      ->check(CLI::Range(1, 100000));
  add_json_flag(list, opts->json, ctx, "JSON on stdout");
  add_manifest_option(list, opts->manifest);
  list->footer(
      "Read from .fstage/executions.db beside the manifest, also while serve runs. Columns:\n"
      "execution id, flow, status, begin and end time (UTC).");
  list->callback(
      [&ctx, opts] { ctx.action = [&ctx, opts] { return run_executions(ctx, *opts); }; });

  auto* history =
      flow.add_subcommand("history", "A kept execution's node timeline, as 'flow run' prints it");
  history->add_option("execution", opts->execution, "The execution id")
      ->required()
      ->type_name("EID");
  add_json_flag(history, opts->json, ctx, "The whole record (ShowWorkflowExecution) as JSON");
  add_manifest_option(history, opts->manifest);
  history->callback(
      [&ctx, opts] { ctx.action = [&ctx, opts] { return run_history(ctx, *opts); }; });
}

}  // namespace fstage::cli
