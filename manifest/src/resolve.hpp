// SPDX-License-Identifier: Apache-2.0
// The one step between parsing fstage.yaml and validating it: the selected stage's overrides
// merged in (stages.cpp) and ${...} variables substituted (variables.cpp), on the YAML tree so
// that every value keeps its file:line:column and one validator checks the result.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

namespace fstage::manifest::detail {

// A .env file: KEY=VALUE lines, an optional `export ` in front; '...' is literal, "..." knows
// the escapes n, t, r, quote and backslash; an unquoted value ends at " #". `#` comments and
// blank lines are skipped. A bad line is an error at origin:line:column.
struct DotenvFile {
  std::vector<std::pair<std::string, std::string>> vars;  // in file order
  std::vector<Diagnostic> errors;
};
DotenvFile parse_dotenv(std::string_view text, const std::string& origin);

// Where ${...} values come from, once the stage is known.
struct VariableSources {
  std::string stage;
  std::function<std::optional<std::string>(const std::string&)> getenv;  // the process
  std::map<std::string, std::string> dotenv;  // .env overlaid by .env.<stage>
  std::string dotenv_names;                   // ".env or .env.prod", for hints
  std::string stage_params_path;              // "stages.prod.params", for hints
  std::optional<std::filesystem::path> root;  // ${file:} is relative to it
  std::map<std::string, std::string> params;  // --param over the stage's over the top level's
  bool params_known = false;                  // false while the params themselves resolve
  bool lenient = false;
};

// `text` with every ${env:VAR[, default]}, ${file:path[, default]}, ${param:name[, default]}
// and ${stage} replaced, and $${ written as ${. Problems are reported at `at`; nullopt then.
// `secret` is set when a value came from the environment, a file or a parameter.
std::optional<std::string> expand_variables(Checker& c, const YamlNode& at, std::string_view path,
                                            std::string_view text, const VariableSources& src,
                                            std::vector<std::string>& secrets, bool& secret);

// `root` with every scalar value's variables substituted (keys are left as written); nodes
// without a variable are shared, not copied.
NodePtr substitute_tree(Checker& c, const NodePtr& root, const VariableSources& src,
                        std::vector<std::string>& secrets);

// The document for `options.stage`: `stages:` and `params:` read and dropped, the stage's
// region and functions.NAME overrides merged in, variables substituted. Sets m.stage,
// m.name_suffix, m.deploy_triggers and m.secret_values. Problems go to `c`.
NodePtr resolve_document(Checker& c, const NodePtr& root, const LoadOptions& options, Manifest& m);

}  // namespace fstage::manifest::detail
