// SPDX-License-Identifier: Apache-2.0
// `stages:` and `params:`: the selected stage's settings merged over the manifest's before it is
// validated, so an override is checked exactly as if it were written in place.
//
//   params: {table: orders}               # ${param:table} unless the stage or --param say
//   stages:
//     prod:
//       region: eu-west-101
//       name_suffix: -prod                # default: "" for dev, "-<stage>" for the others
//       triggers: false                   # deploy creates no triggers in this stage
//       params: {table: orders_prod}
//       functions:
//         api: {memory: 1024, env: {LOG_LEVEL: warn}}   # deep-merged over functions.api
#include <algorithm>

#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>

#include "resolve.hpp"

namespace fstage::manifest {

bool is_valid_stage_name(std::string_view name) {
  if (name.empty() || name.size() > 32) {
    return false;
  }
  auto alpha = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); };
  return alpha(name.front()) && std::all_of(name.begin(), name.end(), [&](char ch) {
           return alpha(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
         });
}

}  // namespace fstage::manifest

namespace fstage::manifest::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_stage_keys[] = {"region", "name_suffix", "triggers", "params",
                                             "functions"};

const char* const k_suffix_rule = "at most 20 letters, digits, '-' or '_' (may be empty)";

bool is_suffix(std::string_view s) {
  return s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
         });
}

// Maps merge key by key (an override's new keys come after the base's); anything else is
// replaced whole, lists included. Merged maps keep the base's position, values their own.
NodePtr deep_merge(const NodePtr& base, const NodePtr& over) {
  if (!base || !base->is_map() || !over->is_map()) {
    return over;
  }
  auto out = std::make_shared<YamlNode>(*base);
  for (const auto& e : over->entries) {
    auto it = std::find_if(out->entries.begin(), out->entries.end(),
                           [&](const YamlEntry& b) { return b.key->value == e.key->value; });
    if (it == out->entries.end()) {
      out->entries.push_back(e);
    } else {
      it->value = deep_merge(it->value, e.value);
    }
  }
  return out;
}

// `params:` (top level or a stage's): name -> text. Values may use ${env:}, ${file:}, ${stage}.
void read_params(Checker& c, const YamlNode& n, const std::string& path, const VariableSources& src,
                 std::map<std::string, std::string>& out, std::vector<std::string>& secrets) {
  if (n.is_null()) {
    return;
  }
  if (!c.expect_map(n, path, "a mapping of parameter names to values")) {
    return;
  }
  for (const auto& e : n.entries) {
    const std::string p = join_path(path, e.key->value);
    if (auto v = c.text(*e.value, p, "a parameter value")) {
      bool secret = false;
      if (auto x = expand_variables(c, *e.value, p, *v, src, secrets, secret)) {
        out[e.key->value] = *x;
      }
    }
  }
}

std::map<std::string, std::string> read_dotenv(Checker& c, const std::string& stage) {
  std::map<std::string, std::string> vars;
  if (!c.root()) {
    return vars;
  }
  const fs::path shown_dir = fs::path(c.origin()).parent_path();
  for (const std::string& name : {std::string(".env"), ".env." + stage}) {
    std::error_code ec;
    const fs::path file = *c.root() / name;
    if (!fs::exists(file, ec)) {
      continue;
    }
    const std::string shown = (shown_dir / name).string();
    auto text = read_file(file, ReadLimit{std::size_t{1} << 20, "a .env file is at most 1 MB"});
    if (!text) {
      c.add_errors(
          {Diagnostic{Location{shown, 0, 0}, text.error().message, "", text.error().hint}});
      continue;
    }
    DotenvFile d = parse_dotenv(*text, shown);
    c.add_errors(std::move(d.errors));
    for (auto& [k, v] : d.vars) {
      vars[k] = std::move(v);
    }
  }
  return vars;
}

struct StageSettings {
  const YamlNode* region = nullptr;
  const YamlNode* functions = nullptr;
  const YamlNode* params = nullptr;
};

// The declared stages and the selected one's settings; false when the stage is not declared.
bool read_stage(Checker& c, const YamlNode& stages, const std::string& stage, Manifest& m,
                StageSettings& s) {
  if (!c.expect_map(stages, "stages", "a mapping of stage names to their settings")) {
    return false;
  }
  std::vector<std::string> names;
  const YamlEntry* chosen = nullptr;
  for (const auto& e : stages.entries) {
    names.push_back(e.key->value);
    if (!is_valid_stage_name(e.key->value)) {
      c.error(*e.key, "stages: " + quote(e.key->value) + " is not a valid stage name",
              std::string(k_stage_name_rule));
    }
    if (e.key->value == stage) {
      chosen = &e;
    }
  }
  if (chosen == nullptr) {
    c.error(stages, "stages: no stage " + quote(stage) + " is declared",
            "one of " + join(names, ", "),
            "pass --stage " + (names.empty() ? std::string("NAME") : names.front()) + ", or add '" +
                stage + ": {}' under stages:");
    return false;
  }
  const std::string path = "stages." + stage;
  const YamlNode& body = *chosen->value;
  if (body.is_null()) {
    return true;
  }
  if (!c.expect_map(body, path, "a mapping of the stage's settings (region, functions, ...)")) {
    return false;
  }
  c.check_keys(body, k_stage_keys, path);
  s.region = c.field(body, "region", path, false);
  s.functions = c.field(body, "functions", path, false);
  s.params = c.field(body, "params", path, false);
  if (const YamlNode* n = c.field(body, "name_suffix", path, false)) {
    std::string v =
        n->is_null() ? "" : c.text(*n, path + ".name_suffix", k_suffix_rule).value_or("");
    if (is_suffix(v)) {
      m.name_suffix = v;
    } else {
      c.error(*n, path + ".name_suffix: " + quote(v) + " cannot end a function name",
              k_suffix_rule);
    }
  }
  if (const YamlNode* n = c.field(body, "triggers", path, false)) {
    m.deploy_triggers = c.boolean(*n, path + ".triggers").value_or(true);
  }
  return true;
}

// The manifest's `functions:` with the stage's `functions:` merged in.
NodePtr merge_functions(Checker& c, const NodePtr& fns, const YamlNode& over,
                        const std::string& path) {
  if (!c.expect_map(over, path, "a mapping of function names to settings to override")) {
    return fns;
  }
  if (!fns || !fns->is_map()) {
    return fns;  // the validator reports functions: itself
  }
  auto out = std::make_shared<YamlNode>(*fns);
  std::vector<std::string> names;
  for (const auto& e : fns->entries) {
    names.push_back(e.key->value);
  }
  for (const auto& e : over.entries) {
    auto it = std::find_if(out->entries.begin(), out->entries.end(),
                           [&](const YamlEntry& b) { return b.key->value == e.key->value; });
    if (it == out->entries.end()) {
      c.error(*e.key,
              path + "." + e.key->value + ": no function " + quote(e.key->value) +
                  " in functions:" + did_you_mean(e.key->value, names),
              "", "a stage overrides the settings of functions defined under functions:");
      continue;
    }
    if (!e.value->is_null() &&
        c.expect_map(*e.value, path + "." + e.key->value, "the function's settings to override")) {
      it->value = deep_merge(it->value, e.value);
    }
  }
  return out;
}

}  // namespace

NodePtr resolve_document(Checker& c, const NodePtr& root, const LoadOptions& options, Manifest& m) {
  m.stage = options.stage;
  if (!is_valid_stage_name(options.stage)) {
    c.error_at(0, 0, "stage " + quote(options.stage) + " is not a valid stage name",
               std::string(k_stage_name_rule), "pass --stage with a name such as dev or prod");
    return root;
  }
  m.name_suffix = options.stage == k_default_stage ? "" : "-" + options.stage;
  if (!root || !root->is_map()) {
    return root;
  }
  VariableSources src;
  src.stage = options.stage;
  src.getenv = options.getenv;
  if (!src.getenv) {
    src.getenv = [](const std::string& k) -> std::optional<std::string> {
      const char* v = std::getenv(k.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
  }
  if (options.dotenv) {
    src.dotenv = read_dotenv(c, options.stage);
  }
  src.dotenv_names = ".env or .env." + options.stage;
  src.stage_params_path = "stages." + options.stage + ".params";
  src.root = c.root();
  src.lenient = options.lenient;

  StageSettings stage;
  bool declared = true;
  if (const YamlEntry* e = root->find("stages")) {
    declared = read_stage(c, *e->value, options.stage, m, stage);
  }
  std::vector<std::string> secrets;
  // Parameters: the top level's, the stage's over them, --param over both.
  if (const YamlEntry* e = root->find("params")) {
    read_params(c, *e->value, "params", src, src.params, secrets);
  }
  if (stage.params) {
    read_params(c, *stage.params, src.stage_params_path, src, src.params, secrets);
  }
  for (const auto& [k, v] : options.params) {
    src.params[k] = v;
  }
  src.params_known = true;

  auto doc = std::make_shared<YamlNode>(*root);
  doc->entries.clear();
  bool region_set = false;
  for (const auto& e : root->entries) {
    const std::string& key = e.key->value;
    if (key == "stages" || key == "params") {
      continue;
    }
    YamlEntry out = e;
    if (key == "region" && stage.region) {
      out.value = NodePtr(root, stage.region);  // aliasing: kept alive by the document
      region_set = true;
    }
    if (key == "functions" && stage.functions && declared) {
      out.value =
          merge_functions(c, e.value, *stage.functions, "stages." + options.stage + ".functions");
    }
    doc->entries.push_back(std::move(out));
  }
  if (stage.region && !region_set) {
    auto key = std::make_shared<YamlNode>();
    key->kind = NodeKind::scalar;
    key->value = "region";
    key->line = stage.region->line;
    key->column = stage.region->column;
    doc->entries.push_back({key, NodePtr(root, stage.region)});
  }
  NodePtr resolved = substitute_tree(c, doc, src, secrets);
  std::sort(secrets.begin(), secrets.end());
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  m.secret_values = std::move(secrets);
  return resolved;
}

}  // namespace fstage::manifest::detail
