// SPDX-License-Identifier: Apache-2.0
// fstage package [FUNCTION] [-f FILE] [-o FILE] [--json] [--list] [--explain PATH] [--rebuild]
//                [--obs] [--allow-external-symlinks] [-j N]
// The result, each zip's path, goes to stdout (even with -q); the summary to stderr.
#include <chrono>
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
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
using manifest::Function;
using manifest::Manifest;

struct PackageCliOptions {
  std::string function;
  std::string manifest;
  std::string output;
  std::string explain;
  bool json = false;
  bool list = false;
  bool rebuild = false;
  bool obs = false;
  bool allow_external_symlinks = false;
  int jobs = 0;
};

std::string human_bytes(std::uint64_t n) {
  char buf[32];
  if (n < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  } else if (n < (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / (1 << 20));
  }
  return buf;
}

std::string shown_path(const Context& ctx, const fs::path& p) {
  if (is_within(ctx.cwd, p)) {
    return p.lexically_relative(ctx.cwd).string();
  }
  return p.string();
}

// A one-line bar on stderr, only on a terminal and only once a run has lasted about a second.
class ProgressBar {
 public:
  explicit ProgressBar(const Context& ctx)
      : m_ctx(ctx),
        m_enabled(ctx.stderr_tty && ctx.verbosity >= 0),
        m_start(std::chrono::steady_clock::now()) {}
  ~ProgressBar() { clear(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(const std::string& name, const builder::PackageProgress& p) {
    auto now = std::chrono::steady_clock::now();
    if (!m_enabled || now - m_start < std::chrono::seconds(1) || now - m_last < m_step) {
      return;
    }
    m_last = now;
    double frac = p.bytes_total == 0
                      ? 1.0
                      : static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
    int filled = static_cast<int>(frac * 30);
    *m_ctx.err << "\r" << name << " [" << std::string(static_cast<std::size_t>(filled), '#')
               << std::string(static_cast<std::size_t>(30 - filled), '.') << "] "
               << static_cast<int>(frac * 100) << "% " << p.files_done << "/" << p.files_total
               << " files" << std::flush;
    m_drawn = true;
  }
  void clear() {
    if (m_drawn) {
      *m_ctx.err << "\r\033[K" << std::flush;
      m_drawn = false;
    }
  }

 private:
  const Context& m_ctx;
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last{};
  std::chrono::milliseconds m_step{100};
};

Expected<std::vector<const Function*>> pick(const Manifest& m, const PackageCliOptions& o) {
  std::vector<const Function*> fns;
  if (!o.function.empty()) {
    const Function* f = m.find(o.function);
    if (f == nullptr) {
      std::vector<std::string> names;
      for (const auto& fn : m.functions) {
        names.push_back(fn.name);
      }
      return fail(ErrorCode::not_found,
                  "no function " + quote(o.function) + " in " + m.path.filename().string() +
                      did_you_mean(o.function, names),
                  "functions: " + join(names, ", "));
    }
    fns.push_back(f);
  } else {
    for (const auto& fn : m.functions) {
      fns.push_back(&fn);
    }
  }
  if (fns.empty()) {
    return fail(ErrorCode::invalid_input, "no functions in " + m.path.string());
  }
  if (!o.output.empty() && fns.size() > 1) {
    return fail(ErrorCode::usage,
                "-o names one file, and there are " + std::to_string(fns.size()) + " functions",
                "name the function: fstage package FUNCTION -o FILE");
  }
  return fns;
}

std::string mode_str(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

Expected<int> run_list(Context& ctx, const Manifest& m, const std::vector<const Function*>& fns,
                       const PackageCliOptions& o, const builder::PackageOptions& opts) {
  for (const auto* fn : fns) {
    auto listing = FSTAGE_TRY(builder::list_package(m, *fn, opts));
    if (o.json) {
      OrderedJson j;
      j["function"] = fn->name;
      j["build"] = listing.build_kind;
      j["note"] = listing.note;
      j["entries"] = OrderedJson::array();
      for (const auto& e : listing.entries) {
        j["entries"].push_back({{"name", e.name}, {"size", e.size}, {"mode", mode_str(e.mode)}});
      }
      *ctx.out << json_text(j) << "\n";
      continue;
    }
    if (fns.size() > 1) {
      *ctx.out << fn->name << ":\n";
    }
    for (const auto& e : listing.entries) {
      std::string size = e.directory ? "-" : std::to_string(e.size);
      *ctx.out << mode_str(e.mode) << " "
               << std::string(size.size() < 10 ? 10 - size.size() : 0, ' ') << size << "  "
               << e.name << "\n";
    }
    if (!listing.note.empty()) {
      *ctx.out << "(" << listing.note << ")\n";
    }
  }
  return k_exit_ok;
}

Expected<int> run_explain(Context& ctx, const Manifest& m, const std::vector<const Function*>& fns,
                          const PackageCliOptions& o) {
  for (const auto* fn : fns) {
    auto ex = FSTAGE_TRY(builder::explain_path(m, *fn, ctx.resolve(o.explain)));
    if (o.json) {
      OrderedJson j;
      j["function"] = fn->name;
      j["path"] = ex.path;
      j["inside"] = ex.inside;
      j["included"] = ex.included;
      j["rule"] = nullptr;
      if (ex.rule) {
        j["rule"] = {
            {"source", ex.rule->source}, {"line", ex.rule->line}, {"pattern", ex.rule->text}};
      }
      j["excluded_parent"] = ex.excluded_parent;
      j["reason"] = ex.reason;
      *ctx.out << json_text(j) << "\n";
    } else {
      *ctx.out << fn->name << ": " << ex.path << ": " << ex.reason << "\n";
    }
  }
  return k_exit_ok;
}

// The summary on stderr (not with -q), then the result on stdout: the zip's path, or with
// --json its record.
void print_result(Context& ctx, const builder::PackageResult& r, bool json) {
  if (ctx.verbosity >= 0) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2f s", r.seconds);
    double ratio = r.bytes_in == 0
                       ? 0.0
                       : 100.0 * static_cast<double>(r.bytes_out) / static_cast<double>(r.bytes_in);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", ratio);
    std::string build;
    if (r.build.ran) {
      char b[48];
      std::snprintf(b, sizeof b, " (build %.2f s)", r.build.seconds);
      build = b;
    }
    *ctx.err << "fstage: packaged " << r.function << ": " << r.files
             << (r.files == 1 ? " file, " : " files, ") << human_bytes(r.bytes_in) << " in, "
             << human_bytes(r.bytes_out) << " out (" << pct << "), " << secs << build << "\n"
             << "  sha256 " << r.sha256 << std::endl;
  }
  if (json) {
    OrderedJson j;
    j["function"] = r.function;
    j["output"] = r.output.string();
    j["sha256"] = r.sha256;
    j["files"] = r.files;
    j["directories"] = r.directories;
    j["bytes_in"] = r.bytes_in;
    j["bytes_out"] = r.bytes_out;
    j["seconds"] = r.seconds;
    j["build"] = {{"kind", r.build.kind},
                  {"command", r.build.command},
                  {"ran", r.build.ran},
                  {"cached", r.build.cached},
                  {"seconds", r.build.seconds}};
    j["warnings"] = r.warnings;
    *ctx.out << json_text(j) << "\n";
  } else {
    *ctx.out << shown_path(ctx, r.output) << "\n";  // never hidden by -q
  }
  ctx.out->flush();
}

Expected<int> run_package(Context& ctx, const PackageCliOptions& o) {
  auto path = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  auto m = FSTAGE_TRY(load_project(ctx, path));
  auto fns = FSTAGE_TRY(pick(m, o));
  for (const auto& w : o.function.empty() ? m.warnings : m.warnings_for(o.function)) {
    warn(ctx, w.str());
  }
  builder::PackageOptions opts;
  opts.epoch = FSTAGE_TRY(builder::parse_source_date_epoch(ctx.getenv("SOURCE_DATE_EPOCH")));
  opts.allow_external_symlinks = o.allow_external_symlinks;
  opts.rebuild = o.rebuild;
  opts.obs = o.obs;
  opts.jobs = o.jobs;
  auto bo = FSTAGE_TRY(build_options(ctx, o.rebuild));
  opts.env = bo.env;
  opts.cache_dir = bo.cache_dir;
  opts.on_output = bo.on_output;
  if (!o.output.empty()) {
    opts.output = ctx.resolve(o.output);
  }
  if (!o.explain.empty()) {
    return run_explain(ctx, m, fns, o);
  }
  std::string current;
  opts.on_warning = [&ctx, &current](const std::string& w) { warn(ctx, current + ": " + w); };
  if (o.list) {
    return run_list(ctx, m, fns, o, opts);
  }
  ProgressBar bar(ctx);
  opts.on_status = [&ctx, &current, &bar](const std::string& s) {
    if (ctx.verbosity >= 0) {
      bar.clear();
      *ctx.err << "fstage: " << current << ": " << s << "\n";
    }
  };
  opts.on_progress = [&bar, &current](const builder::PackageProgress& p) {
    bar.update(current, p);
  };
  for (const auto* fn : fns) {
    current = fn->name;
    auto r = builder::package_function(m, *fn, opts);
    bar.clear();
    if (!r) {
      return fail(std::move(r).error().with_context("while packaging function " + quote(fn->name)));
    }
    print_result(ctx, *r, o.json);
  }
  return k_exit_ok;
}

}  // namespace

void register_package(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<PackageCliOptions>();
  auto* cmd = app.add_subcommand("package", "Build deterministic zip artifacts, one per function");
  cmd->add_option("function", opts->function, "Only this function (default: all)")
      ->type_name("FUNCTION");
  cmd->add_option("-o,--output", opts->output,
                  "Write the zip here (one function only; default .fstage/dist/FUNCTION.zip)")
      ->type_name("FILE");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx, "One JSON record per function on stdout");
  cmd->add_flag("--list", opts->list, "List the files that would be packaged, write nothing");
  cmd->add_option("--explain", opts->explain,
                  "Say which rule includes or excludes PATH, write nothing")
      ->type_name("FILE");
  cmd->add_flag("--rebuild", opts->rebuild, "Run the build step even if its inputs are unchanged");
  cmd->add_flag("--obs", opts->obs,
                "The zip will be uploaded through OBS: allow up to 300 MB instead of 50 MB");
  cmd->add_flag("--allow-external-symlinks", opts->allow_external_symlinks,
                "Follow symlinks that point outside the project instead of refusing them");
  cmd->add_option("-j,--jobs", opts->jobs,
                  "Compression threads (default: one per CPU); the zip is the same for any value")
      ->check(CLI::Range(0, 64));
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_package(ctx, *opts); }; });
}

}  // namespace fstage::cli
