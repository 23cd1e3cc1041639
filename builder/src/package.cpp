// SPDX-License-Identifier: Apache-2.0
// `fstage package`: selection → build → layout checks → limits → atomic zip.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/lazy/lazy.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder {

namespace d = detail;
using manifest::Language;

namespace {

constexpr std::int64_t k_max_epoch = 2147483647;  // the "UT" field is read as signed 32-bit

bool has_entry(const std::vector<d::TreeEntry>& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.name == name) {
      return true;
    }
  }
  return false;
}

// The handler's file must be in the zip where the platform looks for it.
Expected<void> check_layout(const manifest::Function& fn, std::vector<d::TreeEntry>& entries) {
  const auto lang = fn.runtime.language;
  if (lang == Language::custom || lang == Language::http) {
    for (auto& e : entries) {
      if (e.name == "bootstrap") {
        // The platform refuses a bootstrap without the execute bit (HW-ZH 自定义运行时.md,
        // PLATFORM.md §1.6), and `invoke` refuses the same tree: the zip is not made to run
        // what the local run would not.
        if ((e.mode & 0111) == 0) {
          return fail(ErrorCode::invalid_input,
                      "`bootstrap` of " + quote(fn.name) +
                          " is not executable; the platform refuses to run it",
                      "chmod +x bootstrap");
        }
        e.mode = 0755;
        return {};
      }
    }
    return fail(ErrorCode::not_found,
                "no `bootstrap` at the code root of " + quote(fn.name) + " (" +
                    std::string(fn.runtime.name) + " runtime)",
                "the platform starts " + std::string(fn.runtime.name) +
                    " functions by running ./bootstrap; add it (or check .fstageignore)");
  }
  if (lang != Language::python && lang != Language::nodejs) {
    return {};
  }
  auto dot = fn.handler.rfind('.');
  std::string module = fn.handler.substr(0, dot == std::string::npos ? 0 : dot);
  std::string dotted = module;
  std::replace(dotted.begin(), dotted.end(), '.', '/');
  std::vector<std::string> candidates;
  if (lang == Language::python) {
    candidates = {module + ".py", dotted + ".py", dotted + "/__init__.py"};
  } else {
    candidates = {module + ".js", module + ".mjs", module + ".cjs", module + "/index.js"};
  }
  for (const auto& c : candidates) {
    if (!module.empty() && has_entry(entries, c)) {
      return {};
    }
  }
  return fail(ErrorCode::not_found,
              "handler " + quote(fn.handler) + " of " + quote(fn.name) + " needs " +
                  quote(candidates.front()) + " in the package, and it is not there",
              "check `handler:` in fstage.yaml, or why the file is left out: fstage package "
              "--explain " +
                  candidates.front());
}

Expected<void> check_output(const fs::path& output, const d::Selection& sel,
                            const manifest::Function& fn) {
  std::error_code ec;
  if (fs::is_directory(output, ec)) {
    return fail(ErrorCode::invalid_input, "output " + quote(output.string()) + " is a directory",
                "-o names the zip file to write");
  }
  fs::path real = fs::weakly_canonical(output, ec);
  if (ec || !is_within(sel.code_root, real)) {
    return {};
  }
  std::string rel = real.lexically_relative(sel.code_root).generic_string();
  auto matcher = d::selection_matcher(sel, fn);
  auto v = FSTAGE_TRY(matcher.check(rel, false));
  if (!v.ignored) {
    return fail(ErrorCode::unsafe,
                "output " + quote(output.string()) + " lies inside the tree being packaged",
                "write it outside " + quote(sel.code_root.string()) +
                    " or under .fstage/ (the default), or exclude it in .fstageignore");
  }
  return {};
}

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

Expected<void> check_unzipped(const std::vector<d::TreeEntry>& entries) {
  std::uint64_t total = 0;
  for (const auto& e : entries) {
    total += e.size;
  }
  if (total > k_unzipped_limit) {
    return fail(ErrorCode::limit,
                "the package holds " + mib(total) + " uncompressed; the platform's limit is " +
                    mib(k_unzipped_limit),
                "leave out what the function does not need (.fstageignore), or move large data "
                "to OBS and download it at run time");
  }
  return {};
}

}  // namespace

Expected<std::int64_t> parse_source_date_epoch(const std::optional<std::string>& value) {
  if (!value || trim(*value).empty()) {
    return k_default_epoch;
  }
  std::string_view v = trim(*value);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return fail(ErrorCode::invalid_input,
                "SOURCE_DATE_EPOCH=" + quote(v) + " is not a number of seconds",
                "set it to a Unix time, e.g. $(git log -1 --format=%ct)");
  }
  return std::clamp(n, k_default_epoch, k_max_epoch);
}

Expected<PackageListing> list_package(const manifest::Manifest& m, const manifest::Function& fn,
                                      const PackageOptions& opts) {
  auto sel = FSTAGE_TRY(d::select(m, fn, opts.allow_external_symlinks, opts.on_warning));
  PackageListing out;
  out.build_kind = std::string(d::to_string(sel.plan.kind));
  out.note = d::tree_inputs(sel.plan) ? "build inputs listed; " + sel.plan.note : sel.plan.note;
  out.warnings = sel.warnings;
  const bool bootstrap =
      fn.runtime.language == Language::custom || fn.runtime.language == Language::http;
  const std::string prefix = sel.code_rel.empty() ? "" : sel.code_rel + "/";
  for (const auto& e : d::tree_inputs(sel.plan) ? sel.inputs : sel.sources) {
    if (d::tree_inputs(sel.plan) && !e.name.starts_with(prefix)) {
      continue;  // a path the build's files name, outside the code directory
    }
    std::string name = d::tree_inputs(sel.plan) ? e.name.substr(prefix.size()) : e.name;
    PackageEntry pe{name, e.size, e.mode, e.directory};
    if (bootstrap && e.name == "bootstrap" && (e.mode & 0111) != 0) {
      pe.mode = 0755;
    }
    out.entries.push_back(std::move(pe));
  }
  return out;
}

BuildOptions build_options(const PackageOptions& opts) {
  BuildOptions b;
  b.rebuild = opts.rebuild;
  b.allow_external_symlinks = opts.allow_external_symlinks;
  b.epoch = opts.epoch;
  b.env = opts.env;
  b.cache_dir = opts.cache_dir;
  b.on_warning = opts.on_warning;
  b.on_status = opts.on_status;
  b.on_output = opts.on_output;
  return b;
}

namespace {

Expected<PackageResult> package_built(const manifest::Manifest& m, const manifest::Function& fn,
                                      const PackageOptions& opts, const fs::path& output,
                                      PackageResult& res) {
  const auto started = std::chrono::steady_clock::now();
  auto warn = [&res, &opts](const std::string& w) {
    res.warnings.push_back(w);
    if (opts.on_warning) {
      opts.on_warning(w);
    }
  };
  PackageOptions sel_opts = opts;
  sel_opts.on_warning = warn;
  auto built = FSTAGE_TRY(build_function(m, fn, build_options(sel_opts)));
  res.build = built.step;
  res.dependencies = built.dependencies;
  // What is zipped is the code tree, exactly: every rule has been applied while building it.
  auto entries = FSTAGE_TRY(d::walk_all(built.tree));
  FSTAGE_TRY(check_layout(fn, entries));
  FSTAGE_TRY(check_unzipped(entries));

  d::ZipSettings zs;
  zs.epoch = opts.epoch;
  zs.level = opts.compression_level;
  zs.jobs = opts.jobs;
  zs.progress = opts.on_progress;
  zs.on_chunk = opts.on_chunk;
  const std::uint64_t limit = opts.obs ? k_obs_zip_limit : k_api_zip_limit;
  auto accept = [&](const d::ZipStats& st) -> Expected<void> {
    if (st.bytes_out > limit) {
      return fail(ErrorCode::limit,
                  "the zip is " + mib(st.bytes_out) + "; the limit for " +
                      (opts.obs ? std::string("code uploaded through OBS") : "a direct upload") +
                      " is " + mib(limit) + " (no artifact written)",
                  opts.obs ? "leave out what the function does not need (.fstageignore)"
                           : "upload larger packages through OBS: rerun with --obs (limit " +
                                 mib(k_obs_zip_limit) + ") and deploy the zip from an OBS bucket");
    }
    if (!opts.obs && st.bytes_out > k_console_zip_limit) {
      warn("the zip is " + mib(st.bytes_out) + ": above the console's upload limit of " +
           mib(k_console_zip_limit) + " (the API accepts up to " + mib(k_api_zip_limit) + ")");
    }
    return {};
  };
  auto stats = FSTAGE_TRY(d::write_zip_file(output, entries, zs, accept));
  res.files = stats.files;
  res.directories = stats.directories;
  res.bytes_in = stats.bytes_in;
  res.bytes_out = stats.bytes_out;
  res.sha256 = stats.sha256;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return res;
}

}  // namespace

Expected<PackageResult> package_function(const manifest::Manifest& m, const manifest::Function& fn,
                                         const PackageOptions& opts) {
  FSTAGE_TRY(lazy::require(lazy::Library::archive));
  FSTAGE_TRY(lazy::require(lazy::Library::crypto));
  InterruptScope interrupts;
  PackageResult res;
  res.function = fn.name;
  std::error_code ec;
  const fs::path project = fs::weakly_canonical(m.root, ec);
  res.output = opts.output.empty() ? project / ".fstage" / "dist" / (fn.name + ".zip")
                                   : fs::absolute(opts.output).lexically_normal();
  bool refused_output = false;
  auto r = [&]() -> Expected<PackageResult> {
    // The output is checked before anything is built (build_function walks the tree itself).
    auto sel = FSTAGE_TRY(d::plan_selection(m, fn));
    if (auto ok = check_output(res.output, sel, fn); !ok) {
      refused_output = true;
      return tl::unexpected(std::move(ok).error());
    }
    return package_built(m, fn, opts, res.output, res);
  }();
  if (!r && !refused_output) {
    Error e = std::move(r).error();
    if (e.code == ErrorCode::interrupted) {
      e.details.push_back("no artifact was written");
    }
    // No stale artifact may stand in for the one that failed (unless the output itself was
    // refused: then it is not ours to remove).
    if (fs::is_regular_file(res.output, ec) && fs::remove(res.output, ec)) {
      e.details.push_back("removed the previous " + res.output.string());
    }
    return fail(std::move(e));
  }
  return r;
}

}  // namespace fstage::builder
