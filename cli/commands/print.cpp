// SPDX-License-Identifier: Apache-2.0
// `fstage print [--stage S] [--param K=V] [--json] [--show-values]`: the manifest as a command
// of that stage sees it (stage merged, variables substituted), with every function's
// environment value and every value that came from ${env:}, ${file:} or ${param:} masked.
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
using manifest::detail::ScalarStyle;
using manifest::detail::YamlNode;

constexpr std::string_view k_masked = "****";  // as deploy's plan masks (deploy/mask.hpp)

struct PrintOptions {
  std::string file;
  bool json = false;
  bool show_values = false;
};

bool is_integer(const std::string& s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size() || s.size() > 15) {
    return false;
  }
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

// `path` is where the node sits: "functions.*.env.*" (and encrypted_env) values are
// environment values.
OrderedJson to_json(const YamlNode& n, const std::vector<std::string>& path, bool show) {
  if (n.is_map()) {
    OrderedJson j = OrderedJson::object();
    for (const auto& e : n.entries) {
      auto p = path;
      p.push_back(e.key->value);
      j[e.key->value] = to_json(*e.value, p, show);
    }
    return j;
  }
  if (n.is_sequence()) {
    OrderedJson j = OrderedJson::array();
    for (const auto& item : n.items) {
      j.push_back(to_json(*item, path, show));
    }
    return j;
  }
  if (n.is_null()) {
    return nullptr;
  }
  const bool env_value = path.size() == 4 && path[0] == "functions" &&
                         (path[2] == "env" || path[2] == "encrypted_env");
  if (!show && (n.secret || env_value)) {
    return std::string(k_masked);
  }
  if (n.style == ScalarStyle::plain) {
    if (is_integer(n.value)) {
      return std::stoll(n.value);
    }
    if (n.value == "true" || n.value == "false") {
      return n.value == "true";
    }
  }
  return n.value;
}

bool plain_safe(const std::string& s) {
  if (s.empty() || s == "true" || s == "false" || s == "null" || is_integer(s) ||
      s.find_first_of(":#{}[],&*!|>'\"%@`\n\t") != std::string::npos || s.front() == ' ' ||
      s.back() == ' ' || s.front() == '-' || s.front() == '?') {
    return false;
  }
  return true;
}

void yaml_scalar(std::ostream& out, const OrderedJson& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    out << (plain_safe(s) ? s : json_text(v));
  } else {
    out << json_text(v);
  }
}

void to_yaml(std::ostream& out, const OrderedJson& j, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      out << pad << k << ":";
      if ((v.is_object() || v.is_array()) && !v.empty()) {
        out << "\n";
        to_yaml(out, v, indent + 2);
      } else {
        out << " ";
        yaml_scalar(out, v.is_object() ? OrderedJson::object() : v);
        out << "\n";
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if ((v.is_object() || v.is_array()) && !v.empty()) {
        out << pad << "-\n";
        to_yaml(out, v, indent + 2);
      } else {
        out << pad << "- ";
        yaml_scalar(out, v);
        out << "\n";
      }
    }
  }
}

Expected<int> run_print(Context& ctx, const PrintOptions& o) {
  const fs::path file = FSTAGE_TRY(manifest_path(ctx, o.file));
  const manifest::Manifest m = FSTAGE_TRY(load_project(ctx, file));
  for (const auto& w : m.warnings) {
    warn(ctx, w.str());
  }
  OrderedJson doc = m.document ? to_json(*m.document, {}, o.show_values) : OrderedJson::object();
  OrderedJson stage = OrderedJson::object();
  stage["name"] = m.stage;
  stage["region"] = m.region;
  stage["name_suffix"] = m.name_suffix;
  stage["triggers"] = m.deploy_triggers;
  OrderedJson names = OrderedJson::object();
  for (const auto& f : m.functions) {
    names[f.name] = f.deploy_name;
  }
  stage["function_names"] = names;
  if (o.json) {
    OrderedJson out = OrderedJson::object();
    out["file"] = ctx.display_path(file);
    out["stage"] = stage;
    out["manifest"] = doc;
    *ctx.out << json_text(out, 2) << "\n";
    return k_exit_ok;
  }
  *ctx.out << "# " << ctx.display_path(file) << " resolved for stage " << m.stage
           << (o.show_values ? "" : " (values from the environment, files and --param masked)")
           << "\n";
  OrderedJson head = OrderedJson::object();
  head["stage"] = stage;
  to_yaml(*ctx.out, head, 0);
  to_yaml(*ctx.out, doc, 0);
  return k_exit_ok;
}

}  // namespace

void register_print(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<PrintOptions>();
  auto* cmd = app.add_subcommand(
      "print", "Show the manifest resolved for a stage (--stage), secret values masked");
  add_manifest_option(cmd, opts->file);
  add_json_flag(cmd, opts->json, ctx, "Print one JSON object: file, stage, manifest");
  cmd->add_flag("--show-values", opts->show_values,
                "Show environment values and the values of ${env:}, ${file:} and ${param:}");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_print(ctx, *opts); }; });
}

}  // namespace fstage::cli
