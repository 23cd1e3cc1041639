// SPDX-License-Identifier: Apache-2.0
// `fstage package`: selection → build → layout checks → limits → atomic zip.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/lazy/lazy.hpp>
#include <fstage/scaffolds/package.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::scaffolds {

namespace d = detail;
using manifest::Language;

namespace {

constexpr std::int64_t k_max_epoch = 2147483647;  // the "UT" field is read as signed 32-bit

struct Selection {
  fs::path code_root;
  fs::path project_root;
  d::BuildPlan plan;
  std::vector<d::TreeEntry> sources;  // zip entries from the code tree (no build, pip, npm)
  std::vector<d::TreeEntry> inputs;   // what the build reads
  std::vector<std::string> warnings;
};

// Go, Java and custom builds read the whole tree; their zip is the build output.
bool tree_inputs(const d::BuildPlan& plan) {
  return plan.kind != d::BuildKind::none && !plan.keep_sources;
}

// The named files at the code root a pip/npm build reads (whether or not they are packaged).
Expected<std::vector<d::TreeEntry>> named_inputs(const Selection& sel) {
  std::vector<d::TreeEntry> out;
  for (const auto& name : sel.plan.input_files) {
    struct stat st {};
    fs::path p = sel.code_root / name;
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    std::error_code ec;
    if (!is_within(sel.project_root, fs::canonical(p, ec))) {
      return fail(ErrorCode::unsafe, quote(name) + " points outside the project");
    }
    d::TreeEntry e;
    e.name = name;
    e.path = p;
    e.mode = d::normalise_mode(st.st_mode);
    e.size = static_cast<std::uint64_t>(st.st_size);
    e.stamp = d::stamp_of(st);
    out.push_back(std::move(e));
  }
  return out;
}

// The matcher that decides what is read from the code tree.
IgnoreMatcher tree_matcher(const Selection& sel, const manifest::Function& fn) {
  if (tree_inputs(sel.plan)) {
    return d::plain_matcher(sel.code_root, sel.code_root == sel.project_root, sel.plan.extra_rules);
  }
  return d::source_matcher(sel.code_root, sel.project_root, fn, sel.plan.extra_rules);
}

Expected<Selection> select(const manifest::Manifest& m, const manifest::Function& fn,
                           const PackageOptions& opts) {
  Selection sel;
  sel.code_root = FSTAGE_TRY(d::code_root_of(m, fn));
  std::error_code ec;
  sel.project_root = fs::canonical(m.root, ec);
  if (ec) {
    return fail(ErrorCode::not_found, "project directory " + quote(m.root.string()) + " not found");
  }
  sel.plan = FSTAGE_TRY(d::plan_build(fn, sel.code_root));
  auto matcher = tree_matcher(sel, fn);
  d::WalkSettings ws;
  ws.root = sel.code_root;
  ws.project_root = sel.project_root;
  ws.allow_external_symlinks = opts.allow_external_symlinks;
  ws.warn = [&sel, &opts](const std::string& w) {
    sel.warnings.push_back(w);
    if (opts.on_warning) {
      opts.on_warning(w);
    }
  };
  auto walked = FSTAGE_TRY(d::walk_tree(ws, matcher));
  if (tree_inputs(sel.plan)) {
    sel.inputs = std::move(walked);
  } else {
    sel.sources = std::move(walked);
    sel.inputs = FSTAGE_TRY(named_inputs(sel));
  }
  return sel;
}

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

// Sources plus build output; a source file wins over a built file of the same name.
std::vector<d::TreeEntry> merge(std::vector<d::TreeEntry> sources, std::vector<d::TreeEntry> built,
                                const std::function<void(const std::string&)>& warn) {
  std::map<std::string, d::TreeEntry> all;
  for (auto& e : built) {
    all.emplace(e.name, std::move(e));
  }
  for (auto& e : sources) {
    auto it = all.find(e.name);
    if (it != all.end() && !e.directory) {
      warn(quote(e.name) + " from the source tree replaces the file the build produced");
    }
    all.insert_or_assign(e.name, std::move(e));
  }
  std::vector<d::TreeEntry> out;
  for (auto& [name, e] : all) {
    out.push_back(std::move(e));
  }
  return out;
}

Expected<void> check_output(const fs::path& output, const Selection& sel,
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
  auto matcher = tree_matcher(sel, fn);
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
  auto sel = FSTAGE_TRY(select(m, fn, opts));
  PackageListing out;
  out.build_kind = std::string(d::to_string(sel.plan.kind));
  out.note = tree_inputs(sel.plan) ? "build inputs listed; " + sel.plan.note : sel.plan.note;
  out.warnings = sel.warnings;
  const bool bootstrap =
      fn.runtime.language == Language::custom || fn.runtime.language == Language::http;
  for (const auto& e : tree_inputs(sel.plan) ? sel.inputs : sel.sources) {
    PackageEntry pe{e.name, e.size, e.mode, e.directory};
    if (bootstrap && e.name == "bootstrap") {
      pe.mode = 0755;
    }
    out.entries.push_back(std::move(pe));
  }
  return out;
}

Expected<PackageResult> package_function(const manifest::Manifest& m, const manifest::Function& fn,
                                         const PackageOptions& opts) {
  FSTAGE_TRY(lazy::require(lazy::Library::archive));
  FSTAGE_TRY(lazy::require(lazy::Library::crypto));
  const auto started = std::chrono::steady_clock::now();
  d::InterruptGuard guard;
  PackageResult res;
  res.function = fn.name;
  auto warn = [&res, &opts](const std::string& w) {
    res.warnings.push_back(w);
    if (opts.on_warning) {
      opts.on_warning(w);
    }
  };
  PackageOptions sel_opts = opts;
  sel_opts.on_warning = warn;
  auto sel = FSTAGE_TRY(select(m, fn, sel_opts));
  res.output = opts.output.empty() ? sel.project_root / ".fstage" / "dist" / (fn.name + ".zip")
                                   : fs::absolute(opts.output).lexically_normal();
  FSTAGE_TRY(check_output(res.output, sel, fn));

  d::BuildInput in{&m, &fn, sel.code_root, sel.project_root, &sel.inputs, &opts};
  auto built_dir = FSTAGE_TRY(d::run_build(sel.plan, in, res.build));
  std::vector<d::TreeEntry> entries;
  if (built_dir.empty()) {
    entries = std::move(sel.sources);
  } else {
    // Build output: the built-in rules, plus .fstageignore and the manifest's lists for a
    // custom build (read from the code tree: the output mirrors its layout).
    IgnoreMatcher rules = sel.plan.filter_output
                              ? d::source_matcher(sel.code_root, sel.project_root, fn)
                              : d::plain_matcher(built_dir, false);
    d::WalkSettings ws{built_dir, sel.project_root, opts.allow_external_symlinks, warn};
    auto built = FSTAGE_TRY(d::walk_tree(ws, rules));
    entries = sel.plan.keep_sources ? merge(std::move(sel.sources), std::move(built), warn)
                                    : std::move(built);
  }
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
  auto stats = FSTAGE_TRY(d::write_zip_file(res.output, entries, zs, accept));
  res.files = stats.files;
  res.directories = stats.directories;
  res.bytes_in = stats.bytes_in;
  res.bytes_out = stats.bytes_out;
  res.sha256 = stats.sha256;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return res;
}

}  // namespace fstage::scaffolds
