// SPDX-License-Identifier: Apache-2.0
// `fstage debug-config vscode [FUNC] [--write]`: prints, or merges into .vscode/launch.json,
// the attach configurations that match `fstage invoke FUNC --debug-port PORT` and
// `fstage serve --debug FUNC:PORT`.
#include "debug_config.hpp"

#include <map>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/sandbox/debug.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace fs = std::filesystem;
using manifest::Language;

std::vector<DebugTarget> debug_targets(const manifest::Manifest& m) {
  std::vector<DebugTarget> out;
  std::map<Language, int> next;
  for (const auto& fn : m.functions) {
    const sandbox::DebuggerInfo* info = sandbox::debugger_for(fn.runtime.language);
    if (info == nullptr) {
      continue;
    }
    int& n = next[fn.runtime.language];
    out.push_back({&fn, info->default_port + n++});
  }
  return out;
}

namespace {

// "${workspaceFolder}" or "${workspaceFolder}/fn": the function's code directory.
std::string workspace_path(const std::string& rel) {
  std::string r = fs::path(rel).lexically_normal().generic_string();
  while (!r.empty() && r.back() == '/') {
    r.pop_back();
  }
  return r.empty() || r == "." ? "${workspaceFolder}" : "${workspaceFolder}/" + r;
}

}  // namespace

OrderedJson vscode_configuration(const DebugTarget& t) {
  const manifest::Function& fn = *t.function;
  const sandbox::DebuggerInfo& info = *sandbox::debugger_for(fn.runtime.language);
  const std::string code = workspace_path(fn.code);
  const std::string remote(sandbox::k_code_root);
  OrderedJson c = OrderedJson::object();
  c["name"] = "fstage: " + fn.name + " (" + std::string(info.runtime) + ", port " +
              std::to_string(t.port) + ")";
  c["type"] = std::string(info.vscode_type);
  c["request"] = "attach";
  switch (fn.runtime.language) {
    case Language::python:
      c["connect"] = {{"host", "127.0.0.1"}, {"port", t.port}};
      c["pathMappings"] = OrderedJson::array({{{"localRoot", code}, {"remoteRoot", remote}}});
      c["justMyCode"] = true;
      break;
    case Language::nodejs:
      c["address"] = "127.0.0.1";
      c["port"] = t.port;
      c["localRoot"] = code;
      c["remoteRoot"] = remote;
      c["skipFiles"] = OrderedJson::array({"<node_internals>/**"});
      break;
    case Language::java:
      c["hostName"] = "127.0.0.1";
      c["port"] = t.port;
      c["sourcePaths"] = OrderedJson::array({code + "/src/main/java"});
      break;
    case Language::go:
      // The debug build records the host's paths: no substitutePath needed.
      c["mode"] = "remote";
      c["host"] = "127.0.0.1";
      c["port"] = t.port;
      c["cwd"] = code;
      break;
    default:
      break;
  }
  return c;
}

Expected<OrderedJson> merge_launch_json(std::string_view existing, const OrderedJson& configs,
                                        std::string_view origin) {
  OrderedJson doc = OrderedJson::object();
  if (!trim(existing).empty()) {
    auto parsed = parse_ordered_json(existing, origin);
    if (!parsed) {
      Error e = std::move(parsed).error();
      e.code = ErrorCode::invalid_input;
      e.hint =
          "fstage keeps launch.json's other entries only when it is plain JSON (no "
          "comments or trailing commas): remove them, or run without --write and paste";
      return fail(std::move(e));
    }
    doc = std::move(*parsed);
    if (!doc.is_object() || (doc.contains("configurations") && !doc["configurations"].is_array())) {
      return fail(ErrorCode::invalid_input,
                  std::string(origin) +
                      ": not a launch.json (an object with a configurations "
                      "array)");
    }
  }
  if (!doc.contains("version")) {
    doc["version"] = "0.2.0";
  }
  OrderedJson& list = doc["configurations"];
  if (!list.is_array()) {
    list = OrderedJson::array();
  }
  for (const auto& c : configs) {
    bool replaced = false;
    for (auto& old : list) {
      if (old.is_object() && old.value("name", "") == c.value("name", "")) {
        old = c;
        replaced = true;
      }
    }
    if (!replaced) {
      list.push_back(c);
    }
  }
  return doc;
}

namespace {

struct DebugConfigOptions {
  std::string editor;
  std::string function;
  std::string manifest;
  bool write = false;
  bool json = false;  // the output is JSON anyway; --json makes errors JSON too
};

Expected<int> run_debug_config(Context& ctx, const DebugConfigOptions& o) {
  if (o.editor != "vscode") {
    return fail(ErrorCode::usage, "debug-config knows one editor: vscode, not " + quote(o.editor),
                "fstage debug-config vscode");
  }
  fs::path file = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  manifest::Manifest m = FSTAGE_TRY(load_project(ctx, file));
  std::vector<DebugTarget> targets = debug_targets(m);
  if (!o.function.empty()) {
    const manifest::Function* fn = m.find(o.function);
    if (fn == nullptr) {
      return fail(ErrorCode::not_found,
                  "no function " + quote(o.function) + " in " + file.filename().string());
    }
    std::erase_if(targets, [fn](const DebugTarget& t) { return t.function != fn; });
    if (targets.empty()) {
      return fail(
          ErrorCode::invalid_input,
          quote(fn->name) + " (" + std::string(fn->runtime.name) + ") has no debugger in fstage",
          "Python, Node.js, Java and Go functions have one");
    }
  }
  if (targets.empty()) {
    return fail(ErrorCode::invalid_input,
                "no function in " + file.filename().string() + " can run under a debugger",
                "Python, Node.js, Java and Go functions can");
  }
  OrderedJson configs = OrderedJson::array();
  for (const auto& t : targets) {
    configs.push_back(vscode_configuration(t));
  }
  const fs::path launch = m.root / ".vscode" / "launch.json";
  std::string existing;
  if (o.write && fs::exists(launch)) {
    existing = FSTAGE_TRY(read_file(launch));
  }
  OrderedJson doc = FSTAGE_TRY(merge_launch_json(existing, configs, ctx.display_path(launch)));
  if (o.write) {
    std::error_code ec;
    fs::create_directories(launch.parent_path(), ec);
    FSTAGE_TRY(write_file_atomic(launch, json_text(doc, 4) + "\n"));
    if (ctx.verbosity >= 0) {
      *ctx.err << "fstage: wrote " << configs.size() << " configuration(s) to "
               << ctx.display_path(launch) << "\n";
    }
  } else {
    *ctx.out << json_text(doc, 4) << "\n";
  }
  if (ctx.verbosity >= 0) {
    for (const auto& t : targets) {
      *ctx.err << "fstage: start " << t.function->name << " for it with: fstage invoke "
               << t.function->name << " --debug-port " << t.port << "   (or: fstage serve --debug "
               << t.function->name << ":" << t.port << ")\n";
    }
  }
  return 0;
}

}  // namespace

void register_debug_config(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DebugConfigOptions>();
  auto* cmd = app.add_subcommand(
      "debug-config", "Editor attach configurations for debug sessions (invoke --debug-port)");
  cmd->add_option("editor", opts->editor, "The editor: vscode")->required()->type_name("vscode");
  cmd->add_option("function", opts->function, "Only this function (default: all)")
      ->type_name("FUNCTION");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx, "Errors as JSON on stdout too (the output is JSON anyway)");
  cmd->add_flag("--write", opts->write,
                "Merge into .vscode/launch.json beside the manifest, keeping its other entries");
  cmd->callback(
      [&ctx, opts] { ctx.action = [&ctx, opts] { return run_debug_config(ctx, *opts); }; });
}

}  // namespace fstage::cli
