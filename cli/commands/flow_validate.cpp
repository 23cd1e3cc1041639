// SPDX-License-Identifier: Apache-2.0
// `fstage flow validate [FLOW] [-f FILE] [--json]`: the manifest's flows read and checked, every
// problem at file:line:column as `fstage validate` prints them; `fstage flow list`: the flows
// with their mode, size and definition file. Also what the other flow commands share: the FLOW
// positional (completed with the manifest's flow names) and loading one flow for a command.
#include <filesystem>
#include <iomanip>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "diagnostic_json.hpp"
#include "flow_common.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct FlowOptions {
  std::string file;
  std::string flow;
  bool json = false;
};

// The manifest, validated; its errors as the one invalid_input error `fstage validate` gives.
Expected<manifest::Manifest> read_manifest(Context& ctx, const std::string& given,
                                           std::string& name) {
  const fs::path file = FSTAGE_TRY(manifest_path(ctx, given));
  name = ctx.display_path(file);
  manifest::Validation v = FSTAGE_TRY(validate_project(ctx, file, name));
  if (v.read_error) {
    return fail(std::move(*v.read_error));
  }
  if (!v.errors.empty() || !v.manifest) {
    return fail(manifest::validation_error(v.errors, name));
  }
  return std::move(*v.manifest);
}

const manifest::FlowSource* find_source(const manifest::Manifest& m, const std::string& name) {
  for (const auto& src : m.flows) {
    if (src.name == name) {
      return &src;
    }
  }
  return nullptr;
}

std::string definition_text(const manifest::FlowSource& src) {
  return src.file.empty() ? "inline" : src.file.generic_string();
}

struct Checked {
  const manifest::FlowSource* source;
  flow::FlowSet set;
};

std::vector<Checked> check_flows(const manifest::Manifest& m, const std::string& only) {
  std::vector<Checked> out;
  for (const auto& src : m.flows) {
    if (only.empty() || src.name == only) {
      out.push_back(Checked{&src, flow::load_flow_source(m, src)});
    }
  }
  return out;
}

OrderedJson result_json(const std::string& name, const std::vector<manifest::Diagnostic>& errors,
                        const std::vector<manifest::Diagnostic>& warnings) {
  OrderedJson out = OrderedJson::object();
  out["file"] = name;
  out["valid"] = errors.empty();
  out["errors"] = OrderedJson::array();
  for (const auto& d : errors) {
    out["errors"].push_back(diagnostic_json(d));
  }
  out["warnings"] = OrderedJson::array();
  for (const auto& d : warnings) {
    out["warnings"].push_back(diagnostic_json(d));
  }
  out["flows"] = OrderedJson::array();
  return out;
}

Expected<int> run_validate(Context& ctx, const FlowOptions& o) {
  std::string name;
  if (o.json) {
    // A manifest that does not validate is answered in the same shape, as fstage validate
    // --json does: its diagnostics, "valid": false, and no flows.
    const fs::path file = FSTAGE_TRY(manifest_path(ctx, o.file));
    name = ctx.display_path(file);
    manifest::Validation v = FSTAGE_TRY(validate_project(ctx, file, name));
    if (v.read_error) {
      return fail(std::move(*v.read_error));
    }
    if (!v.errors.empty()) {
      *ctx.out << json_text(result_json(name, v.errors, v.warnings), 2) << "\n";
      return k_exit_invalid_input;
    }
  }
  manifest::Manifest m = FSTAGE_TRY(read_manifest(ctx, o.file, name));
  if (!o.flow.empty() && !find_source(m, o.flow)) {
    return fail(flow::unknown_flow(m, o.flow));
  }
  std::vector<Checked> checked = check_flows(m, o.flow);
  std::vector<manifest::Diagnostic> errors;
  std::vector<manifest::Diagnostic> warnings =
      o.flow.empty() ? m.warnings : std::vector<manifest::Diagnostic>{};
  for (const auto& c : checked) {
    errors.insert(errors.end(), c.set.errors.begin(), c.set.errors.end());
    warnings.insert(warnings.end(), c.set.warnings.begin(), c.set.warnings.end());
  }
  if (o.json) {
    OrderedJson out = result_json(name, errors, warnings);
    for (const auto& c : checked) {
      OrderedJson f = OrderedJson::object();
      f["name"] = c.source->name;
      f["definition"] = definition_text(*c.source);
      f["valid"] = c.set.errors.empty();
      f["errors"] = c.set.errors.size();
      out["flows"].push_back(std::move(f));
    }
    *ctx.out << json_text(out, 2) << "\n";
    return errors.empty() ? k_exit_ok : k_exit_invalid_input;
  }
  for (const auto& d : warnings) {
    warn(ctx, d.str());
  }
  if (!errors.empty()) {
    return fail(
        manifest::validation_error(errors, o.flow.empty() ? name : "flow " + quote(o.flow)));
  }
  if (ctx.verbosity >= 0) {
    if (!o.flow.empty()) {
      const auto& d = checked.front().set.flows.front();
      *ctx.err << "flow " << o.flow << ": ok (" << d.states.size()
               << (d.states.size() == 1 ? " state, " : " states, ") << d.functions.size()
               << (d.functions.size() == 1 ? " function)" : " functions)") << "\n";
    } else {
      std::size_t n = checked.size();
      *ctx.err << name << ": ok (" << n << (n == 1 ? " flow)" : " flows)") << "\n";
    }
  }
  return k_exit_ok;
}

Expected<int> run_list(Context& ctx, const FlowOptions& o) {
  std::string name;
  manifest::Manifest m = FSTAGE_TRY(read_manifest(ctx, o.file, name));
  std::vector<Checked> checked = check_flows(m, "");
  if (o.json) {
    OrderedJson out = OrderedJson::array();
    for (const auto& c : checked) {
      OrderedJson f = OrderedJson::object();
      f["name"] = c.source->name;
      f["valid"] = c.set.errors.empty();
      const flow::Definition* d = c.set.flows.empty() ? nullptr : &c.set.flows.front();
      f["mode"] = d ? OrderedJson(d->mode == flow::Mode::express ? "EXPRESS" : "NORMAL")
                    : OrderedJson(nullptr);
      f["states"] = d ? OrderedJson(d->states.size()) : OrderedJson(nullptr);
      f["functions"] = d ? OrderedJson(d->functions.size()) : OrderedJson(nullptr);
      f["definition"] = definition_text(*c.source);
      f["errors"] = c.set.errors.size();
      out.push_back(std::move(f));
    }
    *ctx.out << json_text(out, 2) << "\n";
    return k_exit_ok;
  }
  if (checked.empty()) {
    if (ctx.verbosity >= 0) {
      *ctx.err << name << ": no flows (add one under 'flows:')\n";
    }
    return k_exit_ok;
  }
  std::size_t width = 4;
  for (const auto& c : checked) {
    width = std::max(width, c.source->name.size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d, const std::string& e) {
    *ctx.out << std::left << std::setw(static_cast<int>(width) + 2) << a << std::setw(9) << b
             << std::setw(8) << c << std::setw(11) << d << e << "\n";
  };
  row("NAME", "MODE", "STATES", "FUNCTIONS", "DEFINITION");
  for (const auto& c : checked) {
    if (c.set.flows.empty()) {
      std::size_t n = c.set.errors.size();
      row(c.source->name, "-", "-", "-",
          definition_text(*c.source) + " (invalid: " + std::to_string(n) +
              (n == 1 ? " error)" : " errors)"));
      continue;
    }
    const flow::Definition& d = c.set.flows.front();
    row(c.source->name, d.mode == flow::Mode::express ? "EXPRESS" : "NORMAL",
        std::to_string(d.states.size()), std::to_string(d.functions.size()),
        definition_text(*c.source));
  }
  return k_exit_ok;
}

}  // namespace

CLI::Option* add_flow_argument(CLI::App* cmd, std::string& value, const std::string& name,
                               const std::string& description) {
  return cmd->add_option(name, value, description)->type_name("FLOW");
}

Expected<LoadedFlow> load_flow_for_command(Context& ctx, const std::string& manifest_file,
                                           const std::string& name) {
  std::string display;
  LoadedFlow out{FSTAGE_TRY(read_manifest(ctx, manifest_file, display)), {}};
  const manifest::FlowSource* src = find_source(out.manifest, name);
  if (!src) {
    return fail(flow::unknown_flow(out.manifest, name));
  }
  flow::FlowSet set = flow::load_flow_source(out.manifest, *src);
  for (const auto& d : out.manifest.warnings) {
    if (d.function.empty()) {
      warn(ctx, d.str());
    }
  }
  for (const auto& d : set.warnings) {
    warn(ctx, d.str());
  }
  if (!set.errors.empty() || set.flows.empty()) {
    return fail(manifest::validation_error(set.errors, "flow " + quote(name)));
  }
  out.definition = std::move(set.flows.front());
  return out;
}

void register_flow_validate(CLI::App& flow, Context& ctx) {
  auto opts = std::make_shared<FlowOptions>();
  auto* cmd = flow.add_subcommand(
      "validate", "Check the flows' definitions: every problem at file:line:column");
  add_flow_argument(cmd, opts->flow, "flow", "Only this flow (default: all)");
  add_manifest_option(cmd, opts->file);
  add_json_flag(cmd, opts->json, ctx,
                "Print one JSON object: file, valid, errors, warnings, flows");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_validate(ctx, *opts); }; });

  auto list_opts = std::make_shared<FlowOptions>();
  auto* list = flow.add_subcommand("list", "List the flows: name, mode, states, functions, file");
  add_manifest_option(list, list_opts->file);
  add_json_flag(list, list_opts->json, ctx,
                "Print a JSON array: name, valid, mode, states, functions, definition, errors");
  list->callback(
      [&ctx, list_opts] { ctx.action = [&ctx, list_opts] { return run_list(ctx, *list_opts); }; });
}

}  // namespace fstage::cli
