// SPDX-License-Identifier: Apache-2.0
// Which rules decide what a function's zip holds, and `--explain`.
#include <utility>

#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

std::vector<IgnoreRule> rules_from(std::initializer_list<const char*> patterns,
                                   const std::string& source) {
  std::vector<IgnoreRule> out;
  for (const char* p : patterns) {
    if (auto r = parse_ignore_line(p, source, 0, "")) {
      out.push_back(std::move(*r));
    }
  }
  return out;
}

}  // namespace

std::vector<IgnoreRule> forced_rules() {
  // Version control data and fstage's own state (dist/, cache/) never go into an artifact.
  return rules_from({".git/", ".fstage/"}, "built-in (always)");
}

std::vector<IgnoreRule> builtin_rules(bool code_is_project_root) {
  auto rules = rules_from(
      {".hg/", ".svn/", "__pycache__/", "*.pyc", "*.pyo", ".DS_Store", "Thumbs.db", "*.swp",
       ".venv/", ".pytest_cache/", ".mypy_cache/", ".idea/", ".vscode/", k_ignore_file},
      "built-in default");
  if (code_is_project_root) {
    auto more = rules_from({"/fstage.yaml", "/fstage.yml"}, "built-in default");
    rules.insert(rules.end(), more.begin(), more.end());
  }
  return rules;
}

std::vector<IgnoreRule> manifest_rules(const manifest::Function& fn) {
  std::vector<IgnoreRule> out;
  const std::string prefix = "fstage.yaml functions." + fn.name + ".";
  int i = 0;
  for (const auto& p : fn.exclude) {
    if (auto r = parse_ignore_line(p, prefix + "exclude", ++i, "")) {
      out.push_back(std::move(*r));
    }
  }
  i = 0;
  for (const auto& p : fn.include) {
    if (auto r = parse_ignore_line("!" + p, prefix + "include", ++i, "")) {
      out.push_back(std::move(*r));
    }
  }
  return out;
}

IgnoreMatcher source_matcher(const fs::path& code_root, const fs::path& project_root,
                             const manifest::Function& fn, std::vector<IgnoreRule> extra) {
  IgnoreMatcher m(code_root, k_ignore_file);
  m.add_rules(RuleTier::forced, forced_rules());
  auto builtin = builtin_rules(code_root == project_root);
  builtin.insert(builtin.end(), extra.begin(), extra.end());
  m.add_rules(RuleTier::builtin, std::move(builtin));
  m.add_rules(RuleTier::manifest, manifest_rules(fn));
  return m;
}

IgnoreMatcher plain_matcher(const fs::path& root, bool code_is_project_root,
                            std::vector<IgnoreRule> extra) {
  IgnoreMatcher m(root, "");
  m.add_rules(RuleTier::forced, forced_rules());
  auto builtin = builtin_rules(code_is_project_root);
  builtin.insert(builtin.end(), extra.begin(), extra.end());
  m.add_rules(RuleTier::builtin, std::move(builtin));
  return m;
}

Expected<fs::path> code_root_of(const manifest::Manifest& m, const manifest::Function& fn) {
  fs::path dir = m.root / (fn.code.empty() ? std::string(".") : fn.code);
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);
  if (ec) {
    return fail(
        ErrorCode::not_found,
        "code directory " + quote(fn.code) + " of function " + quote(fn.name) + " does not exist",
        "fix `code:` in " + m.path.filename().string());
  }
  if (!fs::is_directory(real, ec)) {
    return fail(ErrorCode::invalid_input, "code " + quote(fn.code) + " of function " +
                                              quote(fn.name) + " is not a directory");
  }
  return real;
}

}  // namespace fstage::builder::detail

namespace fstage::builder {

namespace fs = std::filesystem;

namespace {

std::string describe(const IgnoreVerdict& v) {
  if (!v.excluded_parent.empty()) {
    return "excluded: its directory " + quote(v.excluded_parent + "/") + " is excluded by " +
           v.rule->where() + " (" + v.rule->text +
           "), and nothing below an excluded directory can be re-included";
  }
  if (v.ignored) {
    return "excluded by " + v.rule->where() + " (" + v.rule->text + ")";
  }
  if (v.rule) {
    return "included: re-included by " + v.rule->where() + " (" + v.rule->text + ")";
  }
  return "included: no rule matches";
}

}  // namespace

Expected<Explanation> explain_path(const manifest::Manifest& m, const manifest::Function& fn,
                                   const std::filesystem::path& path) {
  namespace d = detail;
  auto code_root = FSTAGE_TRY(d::code_root_of(m, fn));
  std::error_code ec;
  auto project_root = fs::canonical(m.root, ec);
  if (ec) {
    project_root = m.root;
  }
  fs::path abs = path.is_absolute() ? path : m.root / path;
  bool is_dir = !path.empty() && path.string().back() == '/';
  struct stat st {};
  const bool exists = ::stat(abs.c_str(), &st) == 0;
  is_dir = is_dir || (exists && S_ISDIR(st.st_mode));
  fs::path normal = fs::weakly_canonical(abs, ec);
  if (ec) {
    normal = abs.lexically_normal();
  }
  Explanation ex;
  std::string rel = normal.lexically_relative(code_root).generic_string();
  while (!rel.empty() && rel.back() == '/') {
    rel.pop_back();
  }
  ex.path = rel;
  if (rel.empty() || rel == ".." || rel.starts_with("../")) {
    ex.inside = false;
    ex.path = path.generic_string();
    ex.reason = "not under the code directory " + quote(fn.code) + " of function " + quote(fn.name);
    return ex;
  }
  if (rel == ".") {
    ex.included = true;
    ex.reason = "the code directory itself";
    return ex;
  }
  if (auto nested = d::nested_project_of(code_root, rel, is_dir); !nested.empty()) {
    ex.reason = "excluded: " + quote(nested + "/") +
                " is a project of its own (it has an fstage.yaml), which builds and packages "
                "leave out";
    return ex;
  }
  auto plan = FSTAGE_TRY(d::plan_build(fn, code_root));
  auto full = d::source_matcher(code_root, project_root, fn, plan.extra_rules);
  auto v = FSTAGE_TRY(full.check(rel, is_dir));
  if (plan.kind != d::BuildKind::none && !plan.keep_sources) {
    // Go, Java, custom builds: the tree is build input; .fstageignore is about the zip.
    auto plain = d::plain_matcher(code_root, code_root == project_root, plan.extra_rules);
    auto vin = FSTAGE_TRY(plain.check(rel, is_dir));
    ex.included = !vin.ignored;
    ex.rule = vin.rule;
    ex.excluded_parent = vin.excluded_parent;
    ex.reason = (vin.ignored ? "not a build input, " + describe(vin) : "a build input") + " (" +
                plan.note + ")";
    if (plan.filter_output) {
      ex.reason += "; if the build output holds it: " + describe(v);
    }
  } else {
    ex.included = !v.ignored;
    ex.rule = v.rule;
    ex.excluded_parent = v.excluded_parent;
    ex.reason = describe(v);
  }
  if (!exists) {
    ex.reason +=
        " [no such path; answered for a " + std::string(is_dir ? "directory" : "file") + "]";
  }
  return ex;
}

}  // namespace fstage::builder
