// SPDX-License-Identifier: Apache-2.0
// `fstage build [FUNCTION] [-f FILE] [--rebuild] [--json]`: the one build that `invoke`,
// `serve`, `package` and `deploy` run implicitly, on its own: each function's code tree (what
// is zipped and mounted) under .fstage/build/<function>/, and its dependency packages. The
// result, each tree's path, goes to stdout (even with -q); the summary to stderr.
#include <cstdio>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct BuildCliOptions {
  std::string function;
  std::string manifest;
  bool rebuild = false;
  bool json = false;
};

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

OrderedJson to_json(const Context& ctx, const builder::BuildResult& r) {
  OrderedJson j = OrderedJson::object();
  j["function"] = r.function;
  j["tree"] = ctx.display_path(r.tree);
  j["run_tree"] = ctx.display_path(r.run_tree);
  j["key"] = r.key;
  j["up_to_date"] = r.up_to_date;
  j["step"] = {{"kind", r.step.kind},
               {"command", r.step.command},
               {"ran", r.step.ran},
               {"cached", r.step.cached},
               {"seconds", r.step.seconds}};
  OrderedJson deps = OrderedJson::array();
  for (const auto& d : r.dependencies) {
    deps.push_back({{"name", d.name},
                    {"kind", d.kind},
                    {"zip", ctx.display_path(d.zip)},
                    {"sha256", d.sha256},
                    {"bytes", d.bytes},
                    {"files", d.files}});
  }
  j["dependencies"] = deps;
  j["seconds"] = r.seconds;
  j["warnings"] = r.warnings;
  return j;
}

Expected<int> run_build(Context& ctx, const BuildCliOptions& o) {
  auto path = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  auto m = FSTAGE_TRY(load_project(ctx, path));
  for (const auto& w : o.function.empty() ? m.warnings : m.warnings_for(o.function)) {
    warn(ctx, w.str());
  }
  std::vector<const manifest::Function*> fns;
  for (const auto& fn : m.functions) {
    if (o.function.empty() || fn.name == o.function) {
      fns.push_back(&fn);
    }
  }
  if (fns.empty()) {
    std::vector<std::string> names;
    for (const auto& f : m.functions) {
      names.push_back(f.name);
    }
    return fail(ErrorCode::not_found,
                "no function " + quote(o.function) + " in " + path.filename().string() +
                    did_you_mean(o.function, names),
                "functions: " + join(names, ", "));
  }
  auto opts = FSTAGE_TRY(build_options(ctx, o.rebuild));
  for (const auto* fn : fns) {
    auto r = builder::build_function(m, *fn, opts);
    if (!r) {
      return fail(std::move(r).error().with_context("while building function " + quote(fn->name)));
    }
    if (o.json) {
      *ctx.out << json_text(to_json(ctx, *r)) << "\n";
      continue;
    }
    *ctx.out << ctx.display_path(r->tree) << "\n";  // the result: never hidden by -q
    ctx.out->flush();
    if (ctx.verbosity < 0) {
      continue;
    }
    std::string how = r->up_to_date    ? "up to date"
                      : r->step.ran    ? r->step.kind + " " + seconds(r->step.seconds)
                      : r->step.cached ? r->step.kind + " step reused"
                                       : "sources only";
    *ctx.err << "fstage: built " << r->function << " (" << how << ")\n";
    for (const auto& d : r->dependencies) {
      *ctx.err << "  dependency " << d.name << " (" << d.kind << "): " << d.files << " files, "
               << ctx.display_path(d.zip) << "\n";
    }
  }
  return k_exit_ok;
}

}  // namespace

Expected<builder::BuildOptions> build_options(const Context& ctx, bool rebuild) {
  builder::BuildOptions b;
  b.rebuild = rebuild;
  b.epoch = FSTAGE_TRY(builder::parse_source_date_epoch(ctx.getenv("SOURCE_DATE_EPOCH")));
  b.env = ctx.env;
  b.cache_dir = cache_dir(ctx.env);
  if (ctx.verbosity >= 0) {
    b.on_warning = [&ctx](const std::string& w) { warn(ctx, w); };
    b.on_status = [&ctx](const std::string& s) { *ctx.err << "fstage: " << s << std::endl; };
    b.on_output = [&ctx](std::string_view chunk) {
      ctx.err->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      ctx.err->flush();
    };
  }
  return b;
}

Expected<builder::BuildResult> build_for_run(Context& ctx, const manifest::Manifest& m,
                                             const manifest::Function& fn) {
  auto opts = FSTAGE_TRY(build_options(ctx));
  auto r = builder::build_function(m, fn, opts);
  if (!r) {
    return fail(std::move(r).error().with_context("while building function " + quote(fn.name)));
  }
  return r;
}

void register_build(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<BuildCliOptions>();
  auto* cmd = app.add_subcommand(
      "build", "Build each function's code tree: what invoke and serve run and package zips");
  cmd->add_option("function", opts->function, "Only this function (default: all)")
      ->type_name("FUNCTION");
  add_manifest_option(cmd, opts->manifest);
  cmd->add_flag("--rebuild", opts->rebuild, "Build even when the inputs are unchanged");
  add_json_flag(cmd, opts->json, ctx, "One JSON record per function on stdout");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_build(ctx, *opts); }; });
}

}  // namespace fstage::cli
