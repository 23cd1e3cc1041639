// SPDX-License-Identifier: Apache-2.0
// Shared by fstage_manifest and fstage_flow: typed access to YamlNodes that reports every mismatch
// as a Diagnostic at the node's position and keeps going, so one run finds all the problems.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

namespace fstage::manifest::detail {

// "the number 12.5", "the boolean 'yes'", "a list", "an empty value", "the string 'abc'".
std::string describe(const YamlNode& n);

class Checker {
 public:
  Checker(std::string origin, std::optional<std::filesystem::path> root)
      : m_origin(std::move(origin)), m_root(std::move(root)) {}

  const std::string& origin() const { return m_origin; }
  // The project root when validating a file on disk (existence checks), else nullopt.
  const std::optional<std::filesystem::path>& root() const { return m_root; }
  // `path` (relative to root()) is a directory / exists. Each path is looked at once per
  // validation: ten functions sharing `code: .` asked the filesystem thirty times.
  bool is_directory(const std::filesystem::path& path);
  bool exists(const std::filesystem::path& path);
  // `path` is a file with an execute bit (what the platform needs of a bootstrap).
  bool is_executable_file(const std::filesystem::path& path);
  Location where(const YamlNode& n) const { return Location{m_origin, n.line, n.column}; }

  void error(const YamlNode& at, std::string message, std::string expected = {},
             std::string hint = {});
  void error_at(int line, int column, std::string message, std::string expected = {},
                std::string hint = {});
  void warning(const YamlNode& at, std::string message, std::string expected = {},
               std::string hint = {});
  // The function whose settings are being checked: its warnings name it (Diagnostic::function).
  void set_function(std::string name) { m_function = std::move(name); }
  void add_errors(std::vector<Diagnostic> errors);
  std::size_t error_count() const { return m_errors.size(); }

  // Errors sorted by position (duplicates removed), then warnings.
  std::vector<Diagnostic> take_errors();
  std::vector<Diagnostic> take_warnings();

  // Reports "<path>: expected <expected>, found ..." unless `n` is a mapping / list.
  bool expect_map(const YamlNode& n, std::string_view path, std::string_view expected);
  bool expect_list(const YamlNode& n, std::string_view path, std::string_view expected);

  // Any scalar as text (numbers and booleans as written). Reports maps, lists and empty values.
  std::optional<std::string> text(const YamlNode& n, std::string_view path,
                                  std::string_view expected);
  // A plain decimal integer in [min, max]; quoted numbers, floats and booleans are reported.
  std::optional<std::int64_t> integer(const YamlNode& n, std::string_view path, std::int64_t min,
                                      std::int64_t max, std::string_view unit,
                                      std::string_view expected = {});
  // true/false (also yes/no/on/off), unquoted.
  std::optional<bool> boolean(const YamlNode& n, std::string_view path);
  // A list of scalars (a single scalar is reported); each item's node is kept for positions.
  std::optional<std::vector<std::pair<const YamlNode*, std::string>>> text_list(
      const YamlNode& n, std::string_view path, std::string_view expected);

  // Reports every key of `map` that is not in `allowed`, with a "did you mean".
  void check_keys(const YamlNode& map, std::span<const std::string_view> allowed,
                  std::string_view path);
  // The value for `key`, or nullptr; a missing required key is reported at the mapping.
  const YamlNode* field(const YamlNode& map, std::string_view key, std::string_view path,
                        bool required);

 private:
  // 0: missing, 1: exists but not a directory, 2: a directory, 3: a file with an execute bit.
  int lookup(const std::filesystem::path& path);

  std::string m_origin;
  std::optional<std::filesystem::path> m_root;
  std::map<std::string, int> m_seen;
  std::vector<Diagnostic> m_errors;
  std::vector<Diagnostic> m_warnings;
  std::string m_function;
};

// "a.b" or just "b" when `parent` is empty.
std::string join_path(std::string_view parent, std::string_view key);

// Validated pieces, shared by the manifest, function and trigger checks.
std::optional<Function> check_function(Checker& c, const YamlEntry& entry);
std::optional<Trigger> check_trigger(Checker& c, const YamlNode& n, const std::string& path,
                                     const RuntimeInfo* runtime);
// `functions.<name>.dependencies`: the function's dependency packages (dependencies.cpp).
void check_dependencies(Checker& c, const YamlNode& n, const std::string& path, Function& f);
// `functions.<name>.async_invoke` (async_invoke.cpp), and once every function is known, that
// each FunctionGraph destination names another function of the manifest.
void check_async_invoke(Checker& c, const YamlNode& n, const std::string& path, Function& f);
// An environment variable's name (env and encrypted_env): valid and not the platform's own.
// False, with the error reported at `key`, otherwise.
bool check_env_key(Checker& c, const YamlNode& key, const std::string& path);
// The platform settings of a function (function_settings.cpp): func_vpc, xrole,
// strategy_config, log_config, tags, encrypted_env, pre_stop_handler/_timeout, and the checks
// between them and reserved_instances / env.
inline constexpr std::string_view k_settings_keys[] = {
    "func_vpc", "xrole",         "strategy_config",  "log_config",
    "tags",     "encrypted_env", "pre_stop_handler", "pre_stop_timeout"};
void check_function_settings(Checker& c, const YamlNode& body, const std::string& path, Function& f,
                             bool known_runtime);
// `defined`: every function name the manifest has, valid or not.
void check_async_destinations(Checker& c, const Manifest& m, std::span<const std::string> defined);
// `flows:` (flows.cpp): each flow's name and where its definition is; fstage_flow reads it.
void check_flows(Checker& c, const YamlNode& flows, Manifest& m);
// The problem with `handler` for `runtime`, "" when it is fine. `expected` gets the format.
std::string handler_problem(const RuntimeInfo& runtime, std::string_view handler,
                            std::string& expected);

}  // namespace fstage::manifest::detail
