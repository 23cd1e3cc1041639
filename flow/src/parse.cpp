// SPDX-License-Identifier: Apache-2.0
// The v2 definition's top level (WorkflowCreateBody, FLOW.md §2): its fields, triggers,
// functions and retries, walked from the YAML tree into a Definition with every position. The
// wire names are the API's; what a local user may leave out is what has a clear default
// (name: the manifest's key; functions, retries, triggers: none; constants: {}).
#include <string>
#include <vector>

#include <fstage/base/strings.hpp>

#include "load_internal.hpp"
#include "yaml_json.hpp"

namespace fstage::flow::detail {

namespace {

using manifest::detail::describe;

constexpr std::string_view k_top_keys[] = {
    "name",
    "description",
    "start",
    "triggers",
    "functions",
    "states",
    "constants",
    "retries",
    "mode",
    "express_config",
    "enterprise_project_id",
    "enable_stream_response",
};

std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

// A JSON object field (constants, metadata, trigger_config): a mapping, or empty for {}.
OrderedJson object_field(Checker& c, const YamlNode& n, std::string_view path) {
  if (n.is_null()) {
    return OrderedJson::object();
  }
  if (!c.expect_map(n, path, "a mapping (a JSON object)")) {
    return OrderedJson::object();
  }
  // As a test case's values are read: plain numbers and booleans typed, quoted text a
  // string, what JSON cannot hold (.inf, 1e400) reported at its position.
  return yaml_to_json(c, n, path).value_or(OrderedJson::object());
}

// A list field that may be empty or left out; nullptr after reporting anything else.
const YamlNode* list_field(Checker& c, const YamlNode& n, std::string_view path,
                           std::string_view expected) {
  if (n.is_null()) {
    return nullptr;
  }
  return c.expect_list(n, path, expected) ? &n : nullptr;
}

void check_count(Checker& c, const YamlNode& list, std::string_view path, std::size_t max) {
  if (list.items.size() > max) {
    c.error(list, std::string(path) + ": " + std::to_string(list.items.size()) + " entries",
            "at most " + std::to_string(max) + " (the platform's limit)");
  }
}

// `name` of a list entry: required, a non-empty string.
std::string entry_name(Checker& c, const YamlNode& item, const std::string& path,
                       std::string_view key, Location& where) {
  const YamlNode* n = c.field(item, key, path, true);
  if (!n) {
    where = at(c, item);
    return {};
  }
  where = at(c, *n);
  auto v = string_field(c, *n, path + "." + std::string(key), "a name");
  if (v && v->empty()) {
    c.error(*n, path + "." + std::string(key) + ": is empty", "a name");
  }
  return v.value_or("");
}

void parse_triggers(Checker& c, const YamlNode& list, Definition& d) {
  static constexpr std::string_view keys[] = {"trigger_name", "trigger_type", "enabled",
                                              "trigger_config"};
  static const std::vector<std::string> types = {"FLOWTIMER", "SMN", "APIG", "APIG_DE", "OBS"};
  check_count(c, list, "triggers", k_max_triggers);
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = *list.items[i];
    const std::string path = "triggers[" + std::to_string(i) + "]";
    if (!c.expect_map(item, path, "a mapping with trigger_name, trigger_type, trigger_config")) {
      continue;
    }
    c.check_keys(item, keys, path);
    FlowTrigger t;
    t.where = at(c, item);
    t.name = entry_name(c, item, path, "trigger_name", t.name_where);
    if (const YamlNode* n = c.field(item, "trigger_type", path, true)) {
      if (auto v = string_field(c, *n, path + ".trigger_type", "one of " + join(types, ", "))) {
        if (std::find(types.begin(), types.end(), *v) == types.end()) {
          auto close = closest_match(*v, types);
          c.error(*n, path + ".trigger_type: " + quote(*v) + " is not a flow trigger type",
                  "one of " + join(types, ", "), close ? "did you mean '" + *close + "'?" : "");
        }
        t.type = *v;
      }
    }
    if (const YamlNode* n = c.field(item, "enabled", path, false)) {
      t.enabled = c.boolean(*n, path + ".enabled").value_or(true);
    }
    if (const YamlNode* n = c.field(item, "trigger_config", path, false)) {
      t.config = object_field(c, *n, path + ".trigger_config");
    }
    d.triggers.push_back(std::move(t));
  }
}

// "urn:fss:<region>:<project>:function:<package>:<name>[:<version>]" names <name>; so does the
// published example's short "urn:fss:<region>:<project>:<name>:<version>". A plain name is
// the local function itself. "" when a URN has no recognisable name.
std::string local_name(const std::string& operation) {
  if (!operation.starts_with("urn:")) {
    return operation;
  }
  std::vector<std::string> parts = split(operation, ':');
  if (parts.size() >= 7 && parts[4] == "function") {
    return parts[6];
  }
  if (parts.size() >= 6 && parts[1] == "fss") {
    return parts[parts.size() - 2];
  }
  return {};
}

void parse_functions(Checker& c, const YamlNode& list, Definition& d) {
  static constexpr std::string_view keys[] = {"name", "operation", "metadata"};
  check_count(c, list, "functions", k_max_functions);
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = *list.items[i];
    const std::string path = "functions[" + std::to_string(i) + "]";
    if (!c.expect_map(item, path, "a mapping with name and operation")) {
      continue;
    }
    c.check_keys(item, keys, path);
    FunctionDecl f;
    f.where = at(c, item);
    f.name = entry_name(c, item, path, "name", f.name_where);
    const char* expected =
        "a function URN (urn:fss:<region>:<project>:function:<package>:<name>:<version>) or the "
        "name of a function in fstage.yaml";
    if (const YamlNode* n = c.field(item, "operation", path, true)) {
      f.operation_where = at(c, *n);
      if (auto v = string_field(c, *n, path + ".operation", expected)) {
        f.operation = *v;
        f.local = local_name(*v);
        if (v->empty() || f.local.empty()) {
          c.error(*n, path + ".operation: " + quote(*v) + " names no function", expected);
        }
      }
    } else {
      f.operation_where = f.where;
    }
    if (const YamlNode* n = c.field(item, "metadata", path, false)) {
      f.metadata = object_field(c, *n, path + ".metadata");
    }
    d.functions.push_back(std::move(f));
  }
}

void parse_retries(Checker& c, const YamlNode& list, Definition& d) {
  static constexpr std::string_view keys[] = {"name", "delay", "max_attempts"};
  check_count(c, list, "retries", k_max_retries);
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = *list.items[i];
    const std::string path = "retries[" + std::to_string(i) + "]";
    if (!c.expect_map(item, path, "a mapping with name, delay and max_attempts")) {
      continue;
    }
    c.check_keys(item, keys, path);
    Retry r;
    r.where = at(c, item);
    r.name = entry_name(c, item, path, "name", r.name_where);
    if (const YamlNode* n = c.field(item, "delay", path, false)) {
      r.delay = static_cast<int>(c.integer(*n, path + ".delay", 1, 30, "seconds").value_or(1));
    }
    if (const YamlNode* n = c.field(item, "max_attempts", path, false)) {
      r.max_attempts =
          static_cast<int>(c.integer(*n, path + ".max_attempts", 1, 8, "attempts").value_or(3));
    }
    d.retries.push_back(std::move(r));
  }
}

void parse_mode(Checker& c, const YamlNode& root, Definition& d) {
  const YamlNode* mode = c.field(root, "mode", "", false);
  if (mode) {
    if (auto v = string_field(c, *mode, "mode", "NORMAL or EXPRESS")) {
      if (*v == "EXPRESS") {
        d.mode = Mode::express;
      } else if (*v != "NORMAL" && !v->empty()) {
        c.error(
            *mode, "mode: " + quote(*v) + " is not a flow mode", "NORMAL or EXPRESS",
            to_lower(*v) == "express" || to_lower(*v) == "normal" ? "write it in capitals" : "");
      }
    }
  }
  const YamlNode* express = c.field(root, "express_config", "", false);
  if (!express || express->is_null()) {
    return;
  }
  if (d.mode != Mode::express) {
    c.error(*express, "express_config: only an EXPRESS flow takes it",
            "mode: EXPRESS beside express_config, or no express_config");
  }
  if (!c.expect_map(*express, "express_config", "a mapping with log_level")) {
    return;
  }
  static constexpr std::string_view keys[] = {"log_level"};
  c.check_keys(*express, keys, "express_config");
  if (const YamlNode* n = c.field(*express, "log_level", "express_config", false)) {
    if (auto v = string_field(c, *n, "express_config.log_level", "ALL, ERROR or NONE")) {
      if (*v != "ALL" && *v != "ERROR" && *v != "NONE") {
        c.error(*n, "express_config.log_level: " + quote(*v) + " is not a log level",
                "ALL, ERROR or NONE");
      }
      d.express_log_level = *v;
    }
  }
}

}  // namespace

Location at(const Checker& c, const YamlNode& n) {
  return c.where(n);
}

std::optional<std::string> string_field(Checker& c, const YamlNode& n, std::string_view path,
                                        std::string_view expected) {
  if (n.is_null()) {
    return std::string();
  }
  if (n.is_scalar()) {
    return n.value;
  }
  c.error(n, std::string(path) + ": found " + describe(n), std::string(expected));
  return std::nullopt;
}

Definition parse_definition(Checker& c, const YamlNode& root, const std::string& name) {
  Definition d;
  d.name = name;
  d.start_where = at(c, root);
  c.check_keys(root, k_top_keys, "");
  if (const YamlNode* n = c.field(root, "name", "", false)) {
    if (auto v = string_field(c, *n, "name", "the flow's key in fstage.yaml")) {
      if (*v != name) {
        c.error(*n, "name: " + quote(*v) + " is not the flow's name " + quote(name),
                "the flow's key in fstage.yaml, " + quote(name) + " (or no name)");
      }
    }
  }
  if (const YamlNode* n = c.field(root, "description", "", false)) {
    if (auto v = string_field(c, *n, "description", "a text of at most 512 characters")) {
      if (char_count(*v) > k_max_description) {
        c.error(*n, "description: " + std::to_string(char_count(*v)) + " characters",
                "at most 512 characters (the platform's limit)");
      }
      d.description = *v;
    }
  }
  if (const YamlNode* n = c.field(root, "start", "", true)) {
    d.start_where = at(c, *n);
    d.start = string_field(c, *n, "start", "the id of the first state").value_or("");
    if (d.start.empty() && !n->is_map() && !n->is_sequence()) {
      c.error(*n, "start: is empty", "the id of the first state");
    }
  }
  parse_mode(c, root, d);
  if (const YamlNode* n = c.field(root, "enterprise_project_id", "", false)) {
    d.enterprise_project_id = string_field(c, *n, "enterprise_project_id", "an id").value_or("");
  }
  if (const YamlNode* n = c.field(root, "enable_stream_response", "", false)) {
    d.enable_stream_response = c.boolean(*n, "enable_stream_response").value_or(false);
  }
  if (const YamlNode* n = c.field(root, "constants", "", false)) {
    d.constants = object_field(c, *n, "constants");
  }
  if (const YamlNode* n = c.field(root, "triggers", "", false)) {
    if (const YamlNode* list = list_field(c, *n, "triggers", "a list of triggers")) {
      parse_triggers(c, *list, d);
    }
  }
  if (const YamlNode* n = c.field(root, "functions", "", false)) {
    if (const YamlNode* list = list_field(c, *n, "functions", "a list of {name, operation}")) {
      parse_functions(c, *list, d);
    }
  }
  if (const YamlNode* n = c.field(root, "retries", "", false)) {
    if (const YamlNode* list = list_field(c, *n, "retries", "a list of {name, delay, ...}")) {
      parse_retries(c, *list, d);
    }
  }
  if (const YamlNode* n = c.field(root, "states", "", true)) {
    const char* expected = "a list of 1 to 100 states";
    if (n->is_null() || (n->is_sequence() && n->items.empty())) {
      c.error(*n, "states: a flow needs at least one state", expected);
    } else if (c.expect_list(*n, "states", expected)) {
      check_count(c, *n, "states", k_max_states);
      d.states = parse_states(c, *n, "states");
    }
  }
  return d;
}

}  // namespace fstage::flow::detail
