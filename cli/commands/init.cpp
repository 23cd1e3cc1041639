// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/scaffolds/init.hpp>

#include "commands.hpp"

namespace fstage::cli {

namespace {

struct InitOptions {
  std::string dir = ".";
  std::string runtime;
  std::string template_ref;
  std::string name;
  std::string trigger;
  std::string region = "cn-north-4";
  bool force = false;
  bool json = false;
};

// On a terminal, ask for the runtime instead of failing; the list is the built-in templates'
// default runtimes. Without a terminal the caller reports the missing flag.
std::string prompt_runtime(Context& ctx) {
  auto templates = scaffolds::builtin_templates();
  if (!templates || templates->empty()) {
    return {};
  }
  *ctx.err << "Runtime for the new function:\n";
  for (std::size_t i = 0; i < templates->size(); ++i) {
    const auto& t = (*templates)[i];
    *ctx.err << "  " << i + 1 << ") " << t.runtimes.front() << "  (" << t.description << ")\n";
  }
  *ctx.err << "Choose 1-" << templates->size() << ": " << std::flush;
  std::string line;
  if (!read_line(std::cin, line)) {
    return {};
  }
  line = std::string(trim(line));
  std::size_t pick = 0;
  for (char c : line) {
    if (c < '0' || c > '9') {
      return line;  // typed a runtime name
    }
    pick = pick * 10 + static_cast<std::size_t>(c - '0');
  }
  if (pick == 0 || pick > templates->size()) {
    return {};
  }
  return (*templates)[pick - 1].runtimes.front();
}

Expected<int> run_init(Context& ctx, InitOptions opts) {
  if (opts.runtime.empty() && opts.template_ref.empty()) {
    if (ctx.stdin_tty && ctx.stderr_tty) {
      opts.runtime = prompt_runtime(ctx);
    }
    if (opts.runtime.empty()) {
      return fail(ErrorCode::usage, "missing required flag: -r/--runtime (or -t/--template)",
                  "for example: fstage init hello -r python3.10; 'fstage templates' lists them");
    }
  }
  scaffolds::InitRequest req;
  req.dir = ctx.resolve(opts.dir);
  req.runtime = opts.runtime;
  req.template_ref = opts.template_ref;
  req.name = opts.name;
  req.trigger = opts.trigger;
  req.region = opts.region;
  req.force = opts.force;
  auto result = FSTAGE_TRY(scaffolds::init_project(req));
  for (const auto& w : result.warnings) {
    warn(ctx, w);
  }
  if (opts.json) {
    OrderedJson j;
    j["dir"] = result.dir.string();
    j["name"] = result.name;
    j["runtime"] = result.runtime;
    j["template"] = result.template_id;
    j["files"] = result.files;
    *ctx.out << j.dump() << "\n";
    return k_exit_ok;
  }
  if (ctx.verbosity >= 0) {
    *ctx.err << "Created " << result.name << " ("
             << (result.runtime.empty() ? result.template_id : result.runtime) << ") in "
             << result.dir.string() << ": " << result.files.size() << " files\n";
    if (ctx.verbosity > 0) {
      for (const auto& f : result.files) {
        *ctx.err << "  " << f << "\n";
      }
    }
    std::string cd = opts.dir == "." ? "" : "cd " + opts.dir + " && ";
    *ctx.err << "Next: " << cd << "fstage validate\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_init(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Scaffold a function project from a template");
  cmd->add_option("dir", opts->dir, "Directory to create the project in (default: .)")
      ->type_name("DIR");
  cmd->add_option("-r,--runtime", opts->runtime,
                  "Runtime: an API name (Python3.10, Node.js18.15, Java17, Go1.x, Custom, http) "
                  "or an alias (python3.10, nodejs18, java17, go)")
      ->type_name("RUNTIME");
  cmd->add_option("-t,--template", opts->template_ref,
                  "Built-in template id, or git+URL[#ref][:subdir]")
      ->type_name("TEMPLATE");
  cmd->add_option("-n,--name", opts->name, "Function name (default: from the directory)")
      ->type_name("NAME");
  cmd->add_option("--trigger", opts->trigger,
                  "Trigger variant: apig, timer, smn, obs, dis, kafka, lts, cts, dds")
      ->type_name("TRIGGER");
  cmd->add_option("--region", opts->region, "Region written into fstage.yaml")
      ->type_name("REGION")
      ->capture_default_str();
  cmd->add_flag("-f,--force", opts->force, "Overwrite existing files");
  cmd->add_flag("--json", opts->json, "Print the result as JSON on stdout");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_init(ctx, *opts); }; });
}

}  // namespace fstage::cli
