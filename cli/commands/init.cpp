// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/scaffolds/init.hpp>

#include "../src/options.hpp"
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
  bool nested = false;
  bool flow = false;
  bool json = false;
};

// On a terminal, ask for the runtime instead of failing; the list is the built-in templates'
// default runtimes. An answer that is neither a listed number nor a runtime fstage knows is
// asked again; the end of input stops init. Without a terminal the caller reports the
// missing flag.
Expected<std::string> prompt_runtime(Context& ctx, std::istream& in) {
  auto templates = FSTAGE_TRY(scaffolds::builtin_templates());
  // One runtime per line: an example project (obs-pipeline) is chosen by -t, not here.
  std::erase_if(templates, [](const scaffolds::TemplateInfo& t) { return !t.functions.empty(); });
  *ctx.err << "Runtime for the new function:\n";
  for (std::size_t i = 0; i < templates.size(); ++i) {
    const auto& t = templates[i];
    *ctx.err << "  " << i + 1 << ") " << t.runtimes.front() << "  (" << t.description << ")\n";
  }
  const std::string range = "1-" + std::to_string(templates.size());
  for (;;) {
    *ctx.err << "Choose " << range << " or type a runtime: " << std::flush;
    std::string line;
    if (!read_line(in, line)) {
      *ctx.err << "\n";
      return fail(ErrorCode::usage, "no runtime chosen: the input ended; nothing was written",
                  "pass -r RUNTIME, for example: fstage init hello -r python3.10");
    }
    const std::string answer(trim(line));
    if (answer.empty()) {
      continue;
    }
    if (std::all_of(answer.begin(), answer.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::size_t pick = answer.size() > 4 ? 0 : std::stoul(answer);
      if (pick >= 1 && pick <= templates.size()) {
        return templates[pick - 1].runtimes.front();
      }
      *ctx.err << "  " << quote(answer) << " is not in the list: choose " << range << "\n";
      continue;
    }
    if (auto rt = manifest::resolve_runtime(answer)) {
      if (auto t = scaffolds::template_for_runtime(*rt); !t) {
        *ctx.err << "  " << t.error().message << ": choose " << range << "\n";
        continue;
      }
      return answer;
    }
    *ctx.err << "  unknown runtime " << quote(answer)
             << did_you_mean(answer, manifest::runtime_spellings()) << ": choose " << range
             << " or a runtime such as python3.10\n";
  }
}

// "/work/x/." and "/work/x/" as "/work/x".
std::string shown_dir(const std::filesystem::path& dir) {
  std::filesystem::path d = dir.lexically_normal();
  return (d.has_filename() || d == d.root_path() ? d : d.parent_path()).string();
}

Expected<int> run_init(Context& ctx, InitOptions opts) {
  if (opts.runtime.empty() && opts.template_ref.empty() && !opts.flow) {
    if (!ctx.stdin_tty || !ctx.stderr_tty) {
      return fail(ErrorCode::usage, "missing required flag: -r/--runtime (or -t/--template)",
                  "for example: fstage init hello -r python3.10; 'fstage templates' lists them");
    }
    opts.runtime = FSTAGE_TRY(prompt_runtime(ctx, std::cin));
  }
  scaffolds::InitRequest req;
  req.dir = ctx.resolve(opts.dir);
  req.runtime = opts.runtime;
  req.template_ref = opts.template_ref;
  req.name = opts.name;
  req.trigger = opts.trigger;
  req.region = opts.region;
  req.force = opts.force;
  req.nested = opts.nested;
  req.flow = opts.flow;
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
    *ctx.out << json_text(j) << "\n";
    return k_exit_ok;
  }
  if (ctx.verbosity >= 0) {
    *ctx.err << "Created " << result.name << " ("
             << (result.runtime.empty() ? result.template_id : result.runtime) << ") in "
             << shown_dir(result.dir) << ": " << result.files.size() << " files\n";
    if (ctx.verbosity > 0) {
      for (const auto& f : result.files) {
        *ctx.err << "  " << f << "\n";
      }
    }
    // A line to paste: the directory as typed, quoted for the shell when it must be.
    std::string cd = opts.dir == "." ? "" : "cd " + shell_word(opts.dir) + " && ";
    if (!result.functions.empty()) {
      // An example project: it runs as a whole, under serve, as its README shows.
      *ctx.err << "Next: " << cd << "fstage serve   (README.md walks through the "
               << join(result.functions, ", ") << " example)\n";
    } else {
      *ctx.err << "Next: " << cd << (opts.flow ? "fstage flow test" : "fstage validate") << "\n";
    }
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
  // Not -f: that is --file, the manifest, in every command that reads one.
  cmd->add_flag("--force", opts->force, "Overwrite existing files");
  cmd->add_flag("--nested", opts->nested,
                "Allow a project inside another project's directory (the outer project's "
                "builds and packages leave it out)");
  cmd->add_flag("--flow", opts->flow,
                "Make the function-flow example instead: three Python functions, "
                "flows/orders.json and its tests (flows/orders.test.yaml)");
  add_json_flag(cmd, opts->json, ctx, "Print the result as JSON on stdout");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_init(ctx, *opts); }; });
}

}  // namespace fstage::cli
