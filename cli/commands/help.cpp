// SPDX-License-Identifier: Apache-2.0
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "commands.hpp"

namespace fstage::cli {

namespace {

struct HelpOptions {
  std::string topic;
  bool json = false;
};

Expected<int> run_help(Context& ctx, const HelpOptions& opts) {
  if (opts.topic == "exit-codes") {
    if (opts.json) {
      OrderedJson arr = OrderedJson::array();
      for (const auto& row : exit_code_table()) {
        arr.push_back({{"code", row.code}, {"name", row.name}, {"meaning", row.meaning}});
      }
      *ctx.out << arr.dump(2) << "\n";
      return k_exit_ok;
    }
    *ctx.out << "fstage exit codes:\n";
    for (const auto& row : exit_code_table()) {
      std::string code = std::to_string(row.code);
      *ctx.out << "  " << std::string(4 - code.size(), ' ') << code << "  " << row.name
               << std::string(16 - row.name.size(), ' ') << row.meaning << "\n";
    }
    return k_exit_ok;
  }
  // "fstage help init" is "fstage init --help".
  auto app = make_app(ctx);
  if (opts.topic.empty()) {
    *ctx.out << app->help();
    return k_exit_ok;
  }
  std::vector<std::string> names = {"exit-codes"};
  for (auto* sub : app->get_subcommands({})) {
    if (sub->get_name() == opts.topic) {
      *ctx.out << sub->help();
      return k_exit_ok;
    }
    names.push_back(sub->get_name());
  }
  return fail(ErrorCode::usage,
              "no help topic " + quote(opts.topic) + did_you_mean(opts.topic, names),
              "topics: " + join(names, ", "));
}

}  // namespace

void register_help(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<HelpOptions>();
  auto* cmd = app.add_subcommand("help", "Help on a command, or 'help exit-codes'");
  cmd->add_option("topic", opts->topic, "A command name or 'exit-codes'")->type_name("TOPIC");
  cmd->add_flag("--json", opts->json, "With exit-codes: print the table as JSON");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_help(ctx, *opts); }; });
}

}  // namespace fstage::cli
