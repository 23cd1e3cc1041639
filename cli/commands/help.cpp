// SPDX-License-Identifier: Apache-2.0
// `fstage help [COMMAND...] [--json]`: a command's help as `fstage COMMAND --help` prints it,
// or one of the topics exit-codes and environment; `fstage help --man` prints fstage(1).
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "../src/environment.hpp"
#include "../src/manpage.hpp"
#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

struct HelpOptions {
  std::vector<std::string> topic;
  bool json = false;
  bool man = false;
};

std::string padded(std::string_view s, std::size_t width) {
  return std::string(s) + std::string(s.size() < width ? width - s.size() : 1, ' ');
}

int exit_codes(Context& ctx, bool json) {
  if (json) {
    OrderedJson arr = OrderedJson::array();
    for (const auto& row : exit_code_table()) {
      arr.push_back({{"code", row.code}, {"name", row.name}, {"meaning", row.meaning}});
    }
    *ctx.out << json_text(arr, 2) << "\n";
    return k_exit_ok;
  }
  *ctx.out << "fstage exit codes:\n";
  for (const auto& row : exit_code_table()) {
    std::string code = std::to_string(row.code);
    *ctx.out << "  " << std::string(4 - code.size(), ' ') << code << "  " << padded(row.name, 16)
             << row.meaning << "\n";
  }
  return k_exit_ok;
}

int environment(Context& ctx, bool json) {
  if (json) {
    OrderedJson arr = OrderedJson::array();
    for (const auto& v : environment_table()) {
      arr.push_back({{"name", v.name}, {"meaning", v.meaning}, {"set_for_build", v.set_for_build}});
    }
    *ctx.out << json_text(arr, 2) << "\n";
    return k_exit_ok;
  }
  *ctx.out << "Environment variables fstage reads:\n";
  for (const auto& v : environment_table()) {
    if (!v.set_for_build) {
      *ctx.out << "  " << padded(v.name, 32) << v.meaning << "\n";
    }
  }
  *ctx.out << "\nSet for a function's build: command:\n";
  for (const auto& v : environment_table()) {
    if (v.set_for_build) {
      *ctx.out << "  " << padded(v.name, 32) << v.meaning << "\n";
    }
  }
  return k_exit_ok;
}

Expected<int> run_help(Context& ctx, const HelpOptions& opts) {
  auto app = make_app(ctx);
  if (opts.man) {
    *ctx.out << man_page(*app);
    return k_exit_ok;
  }
  const std::string first = opts.topic.empty() ? "" : opts.topic.front();
  if (first == "exit-codes" && opts.topic.size() == 1) {
    return exit_codes(ctx, opts.json);
  }
  if (first == "environment" && opts.topic.size() == 1) {
    return environment(ctx, opts.json);
  }
  // "fstage help remote invoke" is "fstage remote invoke --help".
  const CLI::App* at = app.get();
  std::string parent;           // what help() puts before the command's name: "fstage remote"
  std::string path = "fstage";  // `at` as typed
  for (const auto& word : opts.topic) {
    std::vector<std::string> names;
    if (at == app.get()) {
      names = {"exit-codes", "environment"};
    }
    const CLI::App* next = nullptr;
    for (const auto* sub : at->get_subcommands({})) {
      if (sub->get_group().empty()) {
        continue;  // hidden: __complete
      }
      if (sub->get_name() == word) {
        next = sub;
      }
      names.push_back(sub->get_name());
    }
    if (next == nullptr) {
      std::string where = at == app.get() ? "" : " in '" + path + "'";
      return fail(ErrorCode::usage,
                  "no help topic " + quote(word) + where + did_you_mean(word, names),
                  "topics: " + join(names, ", "));
    }
    parent = path;
    path += " " + word;
    at = next;
  }
  *ctx.out << (at == app.get() ? at->help() : at->help(parent));
  return k_exit_ok;
}

}  // namespace

void register_help(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<HelpOptions>();
  auto* cmd = app.add_subcommand(
      "help", "Help on a command, or on a topic: 'help exit-codes', 'help environment'");
  cmd->add_option("topic", opts->topic, "A command (and subcommand), exit-codes or environment")
      ->type_name("TOPIC");
  add_json_flag(cmd, opts->json, ctx, "With exit-codes or environment: print the table as JSON");
  cmd->add_flag("--man", opts->man, "Print the manual page, fstage(1), in roff ('| man -l -')");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_help(ctx, *opts); }; });
}

}  // namespace fstage::cli
