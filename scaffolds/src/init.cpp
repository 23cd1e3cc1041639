// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>

#include <fstage/base/assets.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/scaffolds/git_template.hpp>
#include <fstage/scaffolds/init.hpp>

#include "project_check.hpp"
#include "project_writer.hpp"
#include "trigger_blocks.hpp"

namespace fstage::scaffolds {

namespace {

// "hello-world" → "helloworld": what a Java package segment allows.
std::string java_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) {
    out = "fn" + out;
  }
  return out;
}

Variables make_variables(const InitRequest& req, const std::string& name,
                         const std::string& runtime, const std::string& trigger) {
  Variables v;
  v["name"] = name;
  v["project"] = name;
  v["runtime"] = runtime;
  v["region"] = req.region;
  v["trigger"] = trigger;
  v["java_package"] = "com.example." + java_segment(name);
  v["java_package_path"] = "com/example/" + java_segment(name);
  v["go_module"] = "example.com/" + name;
  v["triggers"] = trigger_block(trigger, name, req.region);
  return v;
}

// Files of the built-in template: base/, then the trigger overlay replacing same-named files.
std::vector<RenderedFile> builtin_files(const TemplateInfo& t, const std::string& trigger) {
  const std::string prefix = "templates/" + t.id + "/";
  std::vector<RenderedFile> all;
  for (const Asset* a : assets_under(prefix)) {
    all.push_back({std::string(a->path.substr(prefix.size())), std::string(a->data), 0644, false});
  }
  return layered_files(all, t, trigger);
}

Expected<std::string> check_trigger(const TemplateInfo& t, const std::string& requested) {
  std::string trigger = to_lower(requested);
  if (!trigger.empty() &&
      std::find(t.triggers.begin(), t.triggers.end(), trigger) == t.triggers.end()) {
    std::string name = t.id.empty() ? std::string("the template") : "template " + quote(t.id);
    return fail(ErrorCode::usage,
                name + " has no " + quote(requested) + " trigger variant" +
                    did_you_mean(trigger, t.triggers),
                t.triggers.empty() ? "this template has no trigger variants"
                                   : "its variants: " + join(t.triggers, ", "));
  }
  return trigger;
}

// The runtime API package a template builds against, written under lib/.
void add_sdk_files(const std::string& sdk, std::vector<RenderedFile>& files) {
  if (sdk == "java") {
    if (const Asset* jar = find_asset("sdk/java/fstage-runtime-api.jar")) {
      files.push_back({"lib/fstage-runtime-api.jar", std::string(jar->data), 0644, false});
    }
  } else if (sdk == "go-runtime") {
    const std::string prefix = "sdk/go-runtime/";
    for (const Asset* a : assets_under(prefix)) {
      files.push_back({"lib/go-runtime/" + std::string(a->path.substr(prefix.size())),
                       std::string(a->data), 0644, false});
    }
  }
}

// Renders {{vars}} into the path and the contents of text files; binary files and symlink
// targets are copied untouched (a link's target is checked again after rendering).
Expected<std::vector<RenderedFile>> render_all(std::vector<RenderedFile> files,
                                               const Variables& vars) {
  for (auto& f : files) {
    std::string path = render(f.path, vars);
    if (!is_safe_relative(path)) {
      return fail(ErrorCode::unsafe,
                  "template path " + quote(f.path) + " renders to unsafe " + quote(path),
                  "template variables must not introduce '..', '/' at the start or empty parts");
    }
    f.path = std::move(path);
    if (!f.symlink && !is_binary(f.data)) {
      f.data = render(f.data, vars);
    }
  }
  std::sort(files.begin(), files.end(),
            [](const RenderedFile& a, const RenderedFile& b) { return a.path < b.path; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].path == files[i - 1].path) {
      return fail(ErrorCode::invalid_input,
                  "template renders two files to " + quote(files[i].path));
    }
  }
  return files;
}

Expected<manifest::RuntimeInfo> pick_runtime(const InitRequest& req, const TemplateInfo* t) {
  std::string wanted = req.runtime;
  if (wanted.empty()) {
    if (t == nullptr) {
      return fail(ErrorCode::usage, "missing --runtime", "pass -r RUNTIME or -t TEMPLATE");
    }
    wanted = t->runtimes.front();
  }
  auto rt = manifest::resolve_runtime(wanted);
  if (!rt) {
    auto names = manifest::runtime_spellings();
    return fail(ErrorCode::usage, "unknown runtime " + quote(wanted) + did_you_mean(wanted, names),
                "'fstage templates' lists the runtimes each template supports");
  }
  if (t != nullptr &&
      std::find(t->runtimes.begin(), t->runtimes.end(), rt->name) == t->runtimes.end()) {
    return fail(ErrorCode::usage,
                "template " + quote(t->id) + " does not support runtime " + quote(rt->name),
                "it supports: " + join(t->runtimes, ", "));
  }
  return *rt;
}

// A git template is a directory of files rendered as they are, or, when it has a
// template.json, a template like the built-in ones: its runtimes, handler and executables
// apply, and a base/ folder (with triggers/<t>/ overlays) is laid out as theirs is.
Expected<std::vector<RenderedFile>> render_git(const InitRequest& req, InitResult& meta) {
  auto ref = FSTAGE_TRY(parse_git_template_ref(req.template_ref));
  auto fetched = FSTAGE_TRY(fetch_git_template(ref));
  meta.template_id = req.template_ref;
  meta.warnings = fetched.warnings;
  std::vector<RenderedFile> files = std::move(fetched.files);
  auto json = std::find_if(files.begin(), files.end(),
                           [](const RenderedFile& f) { return f.path == "template.json"; });
  if (json == files.end()) {
    if (!req.runtime.empty()) {
      auto rt = FSTAGE_TRY(pick_runtime(req, nullptr));
      meta.runtime = std::string(rt.name);
    }
    Variables vars = make_variables(req, meta.name, meta.runtime, to_lower(req.trigger));
    return render_all(std::move(files), vars);
  }
  TemplateInfo t = FSTAGE_TRY(parse_template_json(json->data, "template.json", false));
  files.erase(json);
  auto rt = FSTAGE_TRY(pick_runtime(req, &t));
  meta.runtime = std::string(rt.name);
  const bool layered = std::any_of(files.begin(), files.end(), [](const RenderedFile& f) {
    return f.path.starts_with("base/");
  });
  std::string trigger = to_lower(req.trigger);
  if (layered) {
    trigger = FSTAGE_TRY(check_trigger(t, req.trigger));
    files = layered_files(files, t, trigger);
  } else {
    for (auto& f : files) {
      if (!f.symlink &&
          std::find(t.executable.begin(), t.executable.end(), f.path) != t.executable.end()) {
        f.mode = 0755;
      }
    }
  }
  Variables vars = make_variables(req, meta.name, meta.runtime, trigger);
  vars["handler"] = render(t.handler, vars);
  vars["initializer"] = render(t.initializer, vars);
  add_sdk_files(t.sdk, files);
  return render_all(std::move(files), vars);
}

// `init --flow`: the worked example of the README's "Function flows", a project of three
// Python functions and the flow that orchestrates them, with its test cases. Data only, under
// templates/flows/ (no template.json: it is not a one-function template `-t` could pick).
Expected<std::vector<RenderedFile>> render_flow(const InitRequest& req, InitResult& meta) {
  if (!req.template_ref.empty() || !req.trigger.empty()) {
    return fail(ErrorCode::usage,
                std::string("--flow cannot be combined with ") +
                    (req.template_ref.empty() ? "--trigger" : "--template"),
                "--flow makes the flow example; leave out " +
                    std::string(req.template_ref.empty() ? "--trigger" : "--template"));
  }
  const std::string wanted = req.runtime.empty() ? "Python3.10" : req.runtime;
  auto rt = manifest::resolve_runtime(wanted);
  if (!rt || rt->language != manifest::Language::python) {
    return fail(
        ErrorCode::usage,
        "the flow example's functions are written in Python, not for runtime " + quote(wanted),
        "pass a Python runtime (-r python3.10, -r python3.9) or leave -r out");
  }
  meta.runtime = std::string(rt->name);
  meta.template_id = "flow";
  constexpr std::string_view k_flow_prefix = "templates/flows/python/";
  std::vector<RenderedFile> files;
  for (const Asset* a : assets_under(k_flow_prefix)) {
    files.push_back(
        {std::string(a->path.substr(k_flow_prefix.size())), std::string(a->data), 0644, false});
  }
  return render_all(std::move(files), make_variables(req, meta.name, meta.runtime, ""));
}

}  // namespace

Expected<std::vector<RenderedFile>> render_project(const InitRequest& req, InitResult& meta) {
  meta.dir = req.dir;
  meta.name = FSTAGE_TRY(function_name_for(req.dir, req.name));
  if (req.flow) {
    return render_flow(req, meta);
  }
  if (req.template_ref.starts_with("git+")) {
    return render_git(req, meta);
  }

  TemplateInfo t;
  if (!req.template_ref.empty()) {
    t = FSTAGE_TRY(find_template(req.template_ref));
  } else if (!req.runtime.empty()) {
    auto rt = manifest::resolve_runtime(req.runtime);
    if (!rt) {
      auto names = manifest::runtime_spellings();
      return fail(ErrorCode::usage,
                  "unknown runtime " + quote(req.runtime) + did_you_mean(req.runtime, names),
                  "'fstage templates' lists the runtimes each template supports");
    }
    t = FSTAGE_TRY(template_for_runtime(*rt));
  } else {
    return fail(ErrorCode::usage, "missing --runtime", "pass -r RUNTIME or -t TEMPLATE");
  }
  auto rt = FSTAGE_TRY(pick_runtime(req, &t));
  meta.runtime = std::string(rt.name);
  meta.template_id = t.id;
  meta.functions = t.functions;

  std::string trigger = FSTAGE_TRY(check_trigger(t, req.trigger));
  Variables vars = make_variables(req, meta.name, meta.runtime, trigger);
  vars["handler"] = render(t.handler, vars);
  vars["initializer"] = render(t.initializer, vars);
  auto files = builtin_files(t, trigger);
  // An overlay may bring its own event.json; otherwise the shared sample payload is used.
  if (!trigger.empty() &&
      find_asset("templates/" + t.id + "/triggers/" + trigger + "/event.json") == nullptr) {
    auto event = sample_event(trigger);
    if (event) {
      std::erase_if(files, [](const RenderedFile& f) { return f.path == "event.json"; });
      files.push_back({"event.json", *event, 0644, false});
    }
  }
  add_sdk_files(t.sdk, files);
  return render_all(std::move(files), vars);
}

Expected<InitResult> init_project(const InitRequest& req) {
  if (!req.nested) {
    if (auto parent = enclosing_manifest(req.dir)) {
      return fail(nested_error(req.dir, *parent));
    }
  }
  InitResult meta;
  auto files = FSTAGE_TRY(render_project(req, meta));
  const auto placeholders = FSTAGE_TRY(check_rendered_manifest(files, meta));
  FSTAGE_TRY(write_project(req.dir, files, req.force, [&](const std::filesystem::path& staged) {
    return validate_staged(staged, meta, placeholders);
  }));
  for (const auto& f : files) {
    meta.files.push_back(f.path);
  }
  return meta;
}

}  // namespace fstage::scaffolds
