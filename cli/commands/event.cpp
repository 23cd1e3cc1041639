// SPDX-License-Identifier: Apache-2.0
// `fstage event list` and `fstage event new TRIGGER [--set path=value ...] [-o FILE]`: sample
// trigger payloads, shaped like the platform's real ones, editable without hand-encoding.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/scaffolds/templates.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

struct EventOptions {
  std::string trigger;
  std::vector<std::string> sets;
  std::string output;
  bool json = false;
};

struct Described {
  const char* name;
  const char* code;  // trigger_type_code in the API
  const char* what;
};

// One line per sample for `fstage event list`.
constexpr Described k_descriptions[] = {
    {"apig", "APIG", "API Gateway request, plain-text body"},
    {"apig-base64", "APIG", "API Gateway request, base64 body (--set body=TEXT encodes it)"},
    {"smn", "SMN", "Simple Message Notification message"},
    {"obs", "OBS", "Object Storage Service object event (S3-style Records)"},
    {"dis", "DIS", "Data Ingestion Service records (base64 data)"},
    {"timer", "TIMER", "timer trigger firing with its user_event"},
    {"kafka", "KAFKA", "DMS for Kafka messages"},
    {"kafka-opensource", "OPENSOURCEKAFKA", "open-source Kafka messages"},
    {"rocketmq", "ROCKETMQ", "DMS for RocketMQ messages"},
    {"lts", "LTS", "Log Tank Service logs (--set lts.data.logs[0].message=... re-encodes)"},
    {"cts", "CTS", "Cloud Trace Service audit record"},
    {"dds", "DDS", "Document Database Service change stream"},
    {"gaussmongo", "GAUSSMONGO", "GaussDB(for Mongo) change stream"},
};

Expected<int> run_list(Context& ctx, bool json) {
  auto names = scaffolds::event_names();
  OrderedJson out = OrderedJson::array();
  for (const auto& n : names) {
    std::string code = "?";
    std::string what;
    for (const auto& d : k_descriptions) {
      if (n == d.name) {
        code = d.code;
        what = d.what;
      }
    }
    if (json) {
      out.push_back({{"name", n}, {"trigger_type_code", code}, {"description", what}});
    } else {
      std::string pad(n.size() < 18 ? 18 - n.size() : 1, ' ');
      std::string cpad(code.size() < 16 ? 16 - code.size() : 1, ' ');
      *ctx.out << n << pad << code << cpad << what << "\n";
    }
  }
  if (json) {
    *ctx.out << json_text(out, 2) << "\n";
  }
  return k_exit_ok;
}

Expected<int> run_new(Context& ctx, const EventOptions& o) {
  std::string text = FSTAGE_TRY(scaffolds::sample_event(o.trigger));
  OrderedJson event = FSTAGE_TRY(parse_ordered_json(text, o.trigger + ".json"));
  event = FSTAGE_TRY(sandbox::apply_assignments(std::move(event), o.sets));
  std::string rendered = json_text(event, 2) + "\n";
  if (o.output.empty() || o.output == "-") {
    *ctx.out << rendered;
    return k_exit_ok;
  }
  FSTAGE_TRY(write_file_atomic(ctx.resolve(o.output), rendered));
  return k_exit_ok;
}

}  // namespace

void register_event(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("event", "Sample trigger events for fstage invoke");
  cmd->require_subcommand(1);

  auto list_json = std::make_shared<bool>(false);
  auto* list = cmd->add_subcommand("list", "List the triggers with a sample event");
  add_json_flag(list, *list_json, ctx, "Print JSON");
  list->callback(
      [&ctx, list_json] { ctx.action = [&ctx, list_json] { return run_list(ctx, *list_json); }; });

  auto opts = std::make_shared<EventOptions>();
  auto* make = cmd->add_subcommand("new", "Print a trigger's sample event, edited with --set");
  make->add_option("trigger", opts->trigger,
                   "Trigger: apig, apig-base64, smn, obs, dis, timer, "
                   "kafka, kafka-opensource, rocketmq, lts, cts, dds, "
                   "gaussmongo")
      ->required()
      ->type_name("EVENT");
  make->add_option("--set", opts->sets,
                   "path=value, e.g. body=hello or records[0].obs.object.key=a.jpg (repeatable)");
  make->add_option("-o,--output", opts->output, "Write to FILE instead of stdout")
      ->type_name("FILE");
  make->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_new(ctx, *opts); }; });
}

}  // namespace fstage::cli
