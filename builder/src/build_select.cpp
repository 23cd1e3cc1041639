// SPDX-License-Identifier: Apache-2.0
// What a function's build reads: the code tree's selected files, the files the build step
// reads at the code root, and the local paths those name (build_refs.cpp), all within the
// project.
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

// The named files at the code root a pip/npm build reads (whether or not they are packaged).
Expected<std::vector<TreeEntry>> named_inputs(const Selection& sel) {
  std::vector<TreeEntry> out;
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
    out.push_back(file_entry(p, name, st));
  }
  return out;
}

std::string prefixed(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// What a build tool leaves in a local package's directory is not input.
std::vector<IgnoreRule> ref_rules(BuildKind kind) {
  std::vector<IgnoreRule> out;
  auto add = [&out](const char* p) { out.push_back(*parse_ignore_line(p, "build step", 0, "")); };
  if (kind == BuildKind::npm) {
    add("/node_modules/");
  }
  if (kind == BuildKind::pip) {
    add("/build/");
    add("*.egg-info/");
  }
  return out;
}

}  // namespace

Expected<std::vector<TreeEntry>> ref_entries(const std::vector<LocalRef>& refs, BuildKind kind,
                                             const WalkSettings& base_ws) {
  std::vector<TreeEntry> out;
  const fs::path& project_root = base_ws.project_root;
  for (const auto& ref : refs) {
    struct stat st {};
    if (::stat(ref.path.c_str(), &st) != 0) {
      return fail(ErrorCode::not_found,
                  ref.origin + " names " + quote(ref.written) + ", which does not exist (" +
                      ref.path.string() + ")",
                  "fix the path: it is relative to the directory of the file that names it");
    }
    if (!is_within(project_root, ref.path)) {
      if (fs::path(ref.written).is_absolute() ||
          std::string_view(ref.written).starts_with("file:///")) {
        continue;  // an absolute path resolves the same from the staging copy
      }
      return fail(ErrorCode::unsafe,
                  ref.origin + " names " + quote(ref.written) + ", outside the project (" +
                      ref.path.string() + ")",
                  "fstage builds from the project alone: move it into the project directory");
    }
    const std::string rel = ref.path.lexically_relative(project_root).generic_string();
    if (!S_ISDIR(st.st_mode)) {
      out.push_back(file_entry(ref.path, rel, st));
      continue;
    }
    WalkSettings ws = base_ws;
    ws.root = ref.path;
    auto matcher = plain_matcher(ref.path, false, ref_rules(kind));
    for (auto& e : FSTAGE_TRY(walk_tree(ws, matcher))) {
      e.name = rel == "." ? e.name : prefixed(rel, e.name);
      out.push_back(std::move(e));
    }
  }
  return out;
}

bool tree_inputs(const BuildPlan& plan) {
  return plan.kind != BuildKind::none && !plan.keep_sources;
}

Expected<Selection> plan_selection(const manifest::Manifest& m, const manifest::Function& fn) {
  Selection sel;
  sel.code_root = FSTAGE_TRY(code_root_of(m, fn));
  std::error_code ec;
  sel.project_root = fs::canonical(m.root, ec);
  if (ec) {
    return fail(ErrorCode::not_found, "project directory " + quote(m.root.string()) + " not found");
  }
  if (sel.code_root != sel.project_root) {
    sel.code_rel = sel.code_root.lexically_relative(sel.project_root).generic_string();
    if (!is_within(sel.project_root, sel.code_root)) {
      return fail(ErrorCode::unsafe,
                  "code directory " + quote(fn.code) + " of " + quote(fn.name) +
                      " resolves outside the project (" + sel.code_root.string() + ")",
                  "keep the code inside the project directory");
    }
  }
  sel.plan = FSTAGE_TRY(plan_build(fn, sel.code_root));
  // A dependency package kept inside the code directory is its own upload, not code.
  for (const auto& dep : fn.dependencies) {
    fs::path abs = (sel.project_root / dep.path).lexically_normal();
    if (!is_within(sel.code_root, abs) || abs == sel.code_root) {
      continue;
    }
    std::string rel = "/";
    rel += abs.lexically_relative(sel.code_root).generic_string();
    if (dep.kind == manifest::Dependency::Kind::directory) {
      rel += "/";
    }
    if (auto r =
            parse_ignore_line(rel, "dependency " + quote(dep.name) + " (fstage.yaml)", 0, "")) {
      sel.plan.extra_rules.push_back(std::move(*r));
    }
  }
  return sel;
}

IgnoreMatcher selection_matcher(const Selection& sel, const manifest::Function& fn) {
  return tree_inputs(sel.plan)
             ? plain_matcher(sel.code_root, sel.code_root == sel.project_root, sel.plan.extra_rules)
             : source_matcher(sel.code_root, sel.project_root, fn, sel.plan.extra_rules);
}

Expected<Selection> select(const manifest::Manifest& m, const manifest::Function& fn,
                           bool allow_external_symlinks,
                           const std::function<void(const std::string&)>& warn) {
  Selection sel = FSTAGE_TRY(plan_selection(m, fn));
  const bool whole_tree = tree_inputs(sel.plan);
  IgnoreMatcher matcher = selection_matcher(sel, fn);
  WalkSettings ws;
  ws.root = sel.code_root;
  ws.project_root = sel.project_root;
  ws.allow_external_symlinks = allow_external_symlinks;
  ws.skip_projects = true;
  ws.warn = [&sel, &warn](const std::string& w) {
    sel.warnings.push_back(w);
    if (warn) {
      warn(w);
    }
  };
  auto walked = FSTAGE_TRY(walk_tree(ws, matcher));
  if (whole_tree) {
    sel.inputs = std::move(walked);
  } else {
    sel.sources = std::move(walked);
    sel.inputs = FSTAGE_TRY(named_inputs(sel));
  }
  for (auto& e : sel.inputs) {
    e.name = prefixed(sel.code_rel, e.name);
  }
  auto refs = FSTAGE_TRY(local_refs(sel.plan, sel.code_root));
  for (const auto& r : refs) {
    sel.refs.push_back(r.path);
  }
  for (auto& e : FSTAGE_TRY(ref_entries(refs, sel.plan.kind, ws))) {
    sel.inputs.push_back(std::move(e));
  }
  return sel;
}

}  // namespace fstage::builder::detail
