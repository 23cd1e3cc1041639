// SPDX-License-Identifier: Apache-2.0
// `states[]`: the v2 model's Operation, Sleep and End with their wire names (FLOW.md §2), and
// fstage's local Switch, Parallel and Foreach (§4) in fstage's own snake_case form:
//
//   {id: check, type: Switch, conditions: [{condition: "$.age >= 20", transition: adult}],
//    default: child}
//   {id: fan, type: Parallel, branches: [{start: a, states: [...]}], completion: all | one | N,
//    result_key: result, transition: next}
//   {id: each, type: Foreach, items_path: $.items, iteration_variable: item,
//    result_path: $.result, concurrency: 0, iterator: {start: a, states: [...]}, end: true}
//
// A subflow (a branch, an iterator) is a list of states of its own, any type, ids unique within
// it. Which keys a state takes depends on its type; a key of another type is reported.
#include <algorithm>
#include <string>
#include <vector>

#include <fstage/base/strings.hpp>

#include "load_internal.hpp"

namespace fstage::flow::detail {

namespace {

using manifest::detail::describe;

struct TypeInfo {
  std::string_view name;
  StateType type;
  std::vector<std::string_view> keys;
};

// The v2 types take every v2 field (an exported definition writes `"actions": []` on an End);
// their meaning is checked per type below and in validate.cpp.
const std::vector<TypeInfo>& type_infos() {
  static const std::vector<TypeInfo> infos = {
      {"Operation",
       StateType::operation,
       {"id", "name", "type", "end", "transition", "actions", "action_mode", "on_errors",
        "state_data_filter", "duration"}},
      {"Sleep",
       StateType::sleep,
       {"id", "name", "type", "end", "transition", "actions", "action_mode", "on_errors",
        "state_data_filter", "duration"}},
      {"End",
       StateType::end,
       {"id", "name", "type", "end", "transition", "actions", "action_mode", "on_errors",
        "state_data_filter", "duration"}},
      {"Switch",
       StateType::switch_,
       {"id", "name", "type", "conditions", "default", "state_data_filter"}},
      {"Parallel",
       StateType::parallel,
       {"id", "name", "type", "end", "transition", "branches", "completion", "result_key",
        "on_errors", "state_data_filter"}},
      {"Foreach",
       StateType::foreach,
       {"id", "name", "type", "end", "transition", "items_path", "iteration_variable",
        "result_path", "concurrency", "iterator", "on_errors", "state_data_filter"}},
  };
  return infos;
}

const char* const k_type_list = "Operation, Sleep, End, Switch, Parallel or Foreach";

// A JsonPath-valued string field, checked as a path when not empty.
std::string path_field(Checker& c, const YamlNode& n, const std::string& path,
                       Location* where = nullptr) {
  if (where) {
    *where = at(c, n);
  }
  auto v = string_field(c, n, path, "a JsonPath such as $.order.items");
  if (v && !v->empty()) {
    check_expression_syntax(c, n, path, ExpressionKind::path);
  }
  return v.value_or("");
}

void parse_actions(Checker& c, const YamlNode& list, const std::string& path, State& s) {
  static constexpr std::string_view action_keys[] = {"function_ref"};
  static constexpr std::string_view ref_keys[] = {"ref_name", "invoke_mode", "arguments"};
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = *list.items[i];
    const std::string ipath = path + "[" + std::to_string(i) + "]";
    if (!c.expect_map(item, ipath, "a mapping with function_ref")) {
      continue;
    }
    c.check_keys(item, action_keys, ipath);
    Action a;
    a.where = at(c, item);
    a.ref_where = a.where;
    const YamlNode* ref = c.field(item, "function_ref", ipath, true);
    const std::string rpath = ipath + ".function_ref";
    if (!ref || !c.expect_map(*ref, rpath, "a mapping with ref_name and arguments")) {
      s.actions.push_back(std::move(a));
      continue;
    }
    c.check_keys(*ref, ref_keys, rpath);
    if (const YamlNode* n = c.field(*ref, "ref_name", rpath, true)) {
      a.ref_where = at(c, *n);
      a.ref_name = string_field(c, *n, rpath + ".ref_name", "a name from functions[]").value_or("");
    }
    if (const YamlNode* n = c.field(*ref, "invoke_mode", rpath, false)) {
      auto v = string_field(c, *n, rpath + ".invoke_mode", "synchronize");
      if (v && !v->empty() && *v != "synchronize" && *v != k_invoke_callback) {
        c.error(*n, rpath + ".invoke_mode: " + quote(*v) + " is not supported",
                "synchronize (the only invoke mode of the v2 API), or callback (fstage's local "
                "extension: the state waits for the workflow callback route)");
      } else if (v && !v->empty()) {
        a.invoke_mode = *v;
      }
    }
    if (const YamlNode* n = c.field(*ref, "arguments", rpath, false); n && !n->is_null()) {
      if (c.expect_map(*n, rpath + ".arguments", "a mapping of names to JsonPath expressions")) {
        a.has_arguments = true;
        for (const auto& e : n->entries) {
          const std::string apath = rpath + ".arguments." + e.key->value;
          const YamlNode& v = *e.value;
          if (!v.is_scalar()) {
            c.error(v, apath + ": found " + describe(v),
                    "a JsonPath such as $.order.id, optionally followed by | fallback");
            continue;
          }
          check_expression_syntax(c, v, apath, ExpressionKind::argument);
          a.arguments.push_back(Argument{e.key->value, v.value, at(c, v)});
        }
      }
    }
    s.actions.push_back(std::move(a));
  }
}

void parse_on_errors(Checker& c, const YamlNode& list, const std::string& path, State& s) {
  static constexpr std::string_view keys[] = {"error", "transition", "retry_ref"};
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = *list.items[i];
    const std::string ipath = path + "[" + std::to_string(i) + "]";
    if (!c.expect_map(item, ipath, "a mapping with error, transition and/or retry_ref")) {
      continue;
    }
    c.check_keys(item, keys, ipath);
    OnError o;
    o.where = at(c, item);
    o.transition_where = o.retry_where = o.where;
    if (const YamlNode* n = c.field(item, "error", ipath, true)) {
      o.error = string_field(c, *n, ipath + ".error", "an errorType or * for any").value_or("");
      if (o.error.empty() && n->is_scalar()) {
        c.error(*n, ipath + ".error: is empty", "a function's errorType, or * for any error");
      }
    }
    if (const YamlNode* n = c.field(item, "transition", ipath, false)) {
      o.transition_where = at(c, *n);
      o.transition = string_field(c, *n, ipath + ".transition", "a state id").value_or("");
    }
    if (const YamlNode* n = c.field(item, "retry_ref", ipath, false)) {
      o.retry_where = at(c, *n);
      o.retry_ref = string_field(c, *n, ipath + ".retry_ref", "a name from retries[]").value_or("");
    }
    if (o.transition.empty() && o.retry_ref.empty()) {
      c.error(item, ipath + ": neither a transition nor a retry_ref",
              "a transition to a state, a retry_ref to a retry, or both");
    }
    s.on_errors.push_back(std::move(o));
  }
}

void parse_filter(Checker& c, const YamlNode& n, const std::string& path, State& s) {
  if (n.is_null()) {
    return;
  }
  if (!c.expect_map(n, path, "a mapping with input and/or output (JsonPath)")) {
    return;
  }
  static constexpr std::string_view keys[] = {"input", "output"};
  c.check_keys(n, keys, path);
  s.filter.input_where = s.filter.output_where = at(c, n);
  if (const YamlNode* v = c.field(n, "input", path, false)) {
    s.filter.input = path_field(c, *v, path + ".input", &s.filter.input_where);
  }
  if (const YamlNode* v = c.field(n, "output", path, false)) {
    s.filter.output = path_field(c, *v, path + ".output", &s.filter.output_where);
  }
}

std::optional<Subflow> parse_subflow(Checker& c, const YamlNode& n, const std::string& path) {
  if (!c.expect_map(n, path, "a mapping with start and states")) {
    return std::nullopt;
  }
  static constexpr std::string_view keys[] = {"start", "states"};
  c.check_keys(n, keys, path);
  Subflow f;
  f.where = f.start_where = at(c, n);
  if (const YamlNode* v = c.field(n, "start", path, true)) {
    f.start_where = at(c, *v);
    f.start = string_field(c, *v, path + ".start", "the id of the first state").value_or("");
    if (f.start.empty() && !v->is_map() && !v->is_sequence()) {
      c.error(*v, path + ".start: is empty", "the id of the subflow's first state");
    }
  }
  if (const YamlNode* v = c.field(n, "states", path, true)) {
    const std::string spath = path + ".states";
    if (v->is_null() || (v->is_sequence() && v->items.empty())) {
      c.error(*v, spath + ": a subflow needs at least one state", "a list of 1 to 100 states");
    } else if (c.expect_list(*v, spath, "a list of 1 to 100 states")) {
      if (v->items.size() > k_max_states) {
        c.error(*v, spath + ": " + std::to_string(v->items.size()) + " states",
                "at most 100 states in a subflow (as in a flow)");
      }
      f.states = parse_states(c, *v, spath);
    }
  }
  return f;
}

void parse_switch(Checker& c, const YamlNode& item, const std::string& path, State& s) {
  static constexpr std::string_view keys[] = {"condition", "transition"};
  const char* expected = "a list of 1 to 19 {condition, transition}";
  if (const YamlNode* list = c.field(item, "conditions", path, true)) {
    if (list->is_null() || (list->is_sequence() && list->items.empty())) {
      c.error(*list, path + ".conditions: a Switch needs at least one condition", expected);
    } else if (c.expect_list(*list, path + ".conditions", expected)) {
      if (list->items.size() > k_max_conditions) {
        c.error(*list, path + ".conditions: " + std::to_string(list->items.size()) + " conditions",
                "at most 19 conditions and the default (the console's 20 branches)");
      }
      for (std::size_t i = 0; i < list->items.size(); ++i) {
        const YamlNode& cn = *list->items[i];
        const std::string cpath = path + ".conditions[" + std::to_string(i) + "]";
        if (!c.expect_map(cn, cpath, "a mapping with condition and transition")) {
          continue;
        }
        c.check_keys(cn, keys, cpath);
        Condition cond;
        cond.where = cond.transition_where = at(c, cn);
        if (const YamlNode* v = c.field(cn, "condition", cpath, true)) {
          cond.where = at(c, *v);
          auto text = string_field(c, *v, cpath + ".condition", "JsonPath op value");
          if (text && !text->empty()) {
            check_expression_syntax(c, *v, cpath + ".condition", ExpressionKind::condition);
          } else if (text) {
            c.error(*v, cpath + ".condition: is empty", "JsonPath op value, e.g. $.age >= 20");
          }
          cond.expression = text.value_or("");
        }
        if (const YamlNode* v = c.field(cn, "transition", cpath, true)) {
          cond.transition_where = at(c, *v);
          cond.transition = string_field(c, *v, cpath + ".transition", "a state id").value_or("");
          if (cond.transition.empty() && v->is_scalar()) {
            c.error(*v, cpath + ".transition: is empty", "the id of the state it leads to");
          }
        }
        s.conditions.push_back(std::move(cond));
      }
    }
  }
  s.default_where = s.where;
  if (const YamlNode* v = c.field(item, "default", path, true)) {
    s.default_where = at(c, *v);
    s.default_transition = string_field(c, *v, path + ".default", "a state id").value_or("");
    if (s.default_transition.empty() && !v->is_sequence() && !v->is_map()) {
      c.error(*v, path + ".default: is empty", "the id of the state taken when no condition holds");
    }
  }
}

void parse_parallel(Checker& c, const YamlNode& item, const std::string& path, State& s) {
  const char* expected = "a list of 1 to 20 {start, states}";
  if (const YamlNode* list = c.field(item, "branches", path, true)) {
    if (list->is_null() || (list->is_sequence() && list->items.empty())) {
      c.error(*list, path + ".branches: a Parallel needs at least one branch", expected);
    } else if (c.expect_list(*list, path + ".branches", expected)) {
      if (list->items.size() > k_max_branches) {
        c.error(*list, path + ".branches: " + std::to_string(list->items.size()) + " branches",
                "at most 20 branches (the console's limit)");
      }
      for (std::size_t i = 0; i < list->items.size(); ++i) {
        auto f = parse_subflow(c, *list->items[i], path + ".branches[" + std::to_string(i) + "]");
        if (f) {
          s.branches.push_back(std::move(*f));
        }
      }
    }
  }
  s.completion_where = s.where;
  if (const YamlNode* v = c.field(item, "completion", path, false)) {
    s.completion_where = at(c, *v);
    const char* want = "all, one, or a number of branches from 1 to the branch count";
    if (v->is_scalar() && (v->value == "all" || v->value == "one")) {
      s.completion = v->value == "all" ? 0 : 1;
    } else if (auto n = c.integer(*v, path + ".completion", 1, k_max_branches, "", want)) {
      s.completion = static_cast<int>(*n);
    }
  }
  if (const YamlNode* v = c.field(item, "result_key", path, false)) {
    auto key = string_field(c, *v, path + ".result_key", "a key name such as result");
    if (key && key->empty()) {
      c.error(*v, path + ".result_key: is empty", "a key name such as result");
    } else if (key) {
      s.result_key = *key;
    }
  }
}

void parse_foreach(Checker& c, const YamlNode& item, const std::string& path, State& s) {
  s.items_where = s.where;
  if (const YamlNode* v = c.field(item, "items_path", path, true)) {
    s.items_path = path_field(c, *v, path + ".items_path", &s.items_where);
    if (s.items_path.empty() && !v->is_map() && !v->is_sequence()) {
      c.error(*v, path + ".items_path: is empty", "a JsonPath to an array, e.g. $.items");
    }
  }
  if (const YamlNode* v = c.field(item, "iteration_variable", path, false)) {
    auto name = string_field(c, *v, path + ".iteration_variable", "a key name such as item");
    if (name && name->empty()) {
      c.error(*v, path + ".iteration_variable: is empty", "a key name such as item");
    } else if (name) {
      s.iteration_variable = *name;
    }
  }
  if (const YamlNode* v = c.field(item, "result_path", path, false)) {
    auto rp = string_field(c, *v, path + ".result_path", "a JsonPath such as $.result");
    if (rp && !rp->empty()) {
      check_expression_syntax(c, *v, path + ".result_path", ExpressionKind::target);
      s.result_path = *rp;
    }
  }
  if (const YamlNode* v = c.field(item, "concurrency", path, false)) {
    s.concurrency = static_cast<int>(
        c.integer(*v, path + ".concurrency", 0, k_max_concurrency, "", "0 (unlimited) to 100")
            .value_or(0));
  }
  if (const YamlNode* v = c.field(item, "iterator", path, true)) {
    s.iterator = parse_subflow(c, *v, path + ".iterator");
  }
}

const TypeInfo& info_of(StateType type) {
  for (const auto& info : type_infos()) {
    if (info.type == type) {
      return info;
    }
  }
  return type_infos().front();
}

// The state's type; for an unknown one (reported), the type it was most likely meant to be
// (the closest name, else what its keys say), so the rest of it is checked as that type
// instead of burying the one mistake under the errors of a wrong guess. `known` is false then.
const TypeInfo* parse_type(Checker& c, const YamlNode& item, const std::string& path, State& s,
                           bool& known) {
  known = false;
  const YamlNode* n = c.field(item, "type", path, true);
  std::optional<std::string> v;
  if (n) {
    s.type_where = at(c, *n);
    v = string_field(c, *n, path + ".type", k_type_list);
    for (const auto& info : type_infos()) {
      if (v && info.name == *v) {
        s.type = info.type;
        known = true;
        return &info;
      }
    }
  }
  std::vector<std::string> names;
  for (const auto& info : type_infos()) {
    names.emplace_back(info.name);
  }
  auto close = v ? closest_match(*v, names) : std::nullopt;
  if (n && v) {
    c.error(*n, path + ".type: " + quote(*v) + " is not a state type", k_type_list,
            close ? "did you mean '" + *close + "'?" : "");
  }
  StateType guess = item.find("actions")      ? StateType::operation
                    : item.find("duration")   ? StateType::sleep
                    : item.find("conditions") ? StateType::switch_
                    : item.find("branches")   ? StateType::parallel
                    : item.find("iterator")   ? StateType::foreach
                    : item.find("transition") ? StateType::operation
                                              : StateType::end;
  for (const auto& info : type_infos()) {
    if (close && info.name == *close) {
      guess = info.type;
    }
  }
  s.type = guess;
  return &info_of(guess);
}

// The keys `item` has that its type does not take: named with the types that do.
void check_state_keys(Checker& c, const YamlNode& item, const TypeInfo& info,
                      const std::string& path) {
  for (const auto& e : item.entries) {
    const std::string& key = e.key->value;
    if (std::find(info.keys.begin(), info.keys.end(), key) != info.keys.end()) {
      continue;
    }
    std::vector<std::string> owners;
    for (const auto& other : type_infos()) {
      if (std::find(other.keys.begin(), other.keys.end(), key) != other.keys.end()) {
        owners.emplace_back(other.name);
      }
    }
    std::vector<std::string> names(info.keys.begin(), info.keys.end());
    if (!owners.empty()) {
      c.error(*e.key, path + ": a " + std::string(info.name) + " state takes no " + quote(key),
              "one of " + join(names, ", "), quote(key) + " belongs to " + join(owners, ", "));
      continue;
    }
    auto close = closest_match(key, names);
    c.error(*e.key, path + ": unknown key " + quote(key), "one of " + join(names, ", "),
            close ? "did you mean '" + *close + "'?" : "");
  }
}

std::optional<State> parse_state(Checker& c, const YamlNode& item, const std::string& path) {
  if (!c.expect_map(item, path, "a mapping with id, type, ...")) {
    return std::nullopt;
  }
  State s;
  s.where = s.id_where = s.type_where = s.transition_where = at(c, item);
  if (const YamlNode* n = c.field(item, "id", path, true)) {
    s.id_where = at(c, *n);
    s.id = string_field(c, *n, path + ".id", "a state id").value_or("");
    if (s.id.empty() && n->is_scalar()) {
      c.error(*n, path + ".id: is empty", "a state id, unique in the flow");
    }
  }
  if (const YamlNode* n = c.field(item, "name", path, false)) {
    s.name = string_field(c, *n, path + ".name", "a name").value_or("");
  }
  bool known = false;
  const TypeInfo* info = parse_type(c, item, path, s, known);
  if (known) {
    check_state_keys(c, item, *info, path);
  }
  if (const YamlNode* n = c.field(item, "end", path, false)) {
    s.end = c.boolean(*n, path + ".end").value_or(false);
  }
  if (const YamlNode* n = c.field(item, "transition", path, false)) {
    s.transition_where = at(c, *n);
    s.transition = string_field(c, *n, path + ".transition", "a state id").value_or("");
  }
  if (const YamlNode* n = c.field(item, "state_data_filter", path, false)) {
    parse_filter(c, *n, path + ".state_data_filter", s);
  }
  if (const YamlNode* n = c.field(item, "on_errors", path, false); n && !n->is_null()) {
    if (c.expect_list(*n, path + ".on_errors", "a list of {error, transition, retry_ref}")) {
      parse_on_errors(c, *n, path + ".on_errors", s);
    }
  }
  if (const YamlNode* n = c.field(item, "actions", path, false); n && !n->is_null()) {
    if (c.expect_list(*n, path + ".actions", "a list of {function_ref: {...}}")) {
      parse_actions(c, *n, path + ".actions", s);
    }
  }
  if (const YamlNode* n = c.field(item, "action_mode", path, false)) {
    auto v = string_field(c, *n, path + ".action_mode", "sequential or parallel");
    if (v && *v != "sequential" && *v != "parallel" && !v->empty()) {
      c.error(*n, path + ".action_mode: " + quote(*v) + " is not an action mode",
              "sequential, parallel (or empty for sequential)");
    } else if (v && !v->empty()) {
      s.action_mode = *v;
    }
  }
  if (const YamlNode* n = c.field(item, "duration", path, false)) {
    s.duration = c.integer(*n, path + ".duration", 0, k_max_sleep_seconds, "seconds").value_or(0);
    if (s.type != StateType::sleep && s.duration != 0) {
      c.error(*n, path + ".duration: only a Sleep state waits", "no duration, or type: Sleep");
    }
  } else if (s.type == StateType::sleep && known) {
    c.error(item, path + ": a Sleep state needs a duration",
            "duration: whole seconds from 0 to 86400");
  }
  switch (s.type) {
    case StateType::switch_:
      parse_switch(c, item, path, s);
      break;
    case StateType::parallel:
      parse_parallel(c, item, path, s);
      break;
    case StateType::foreach:
      parse_foreach(c, item, path, s);
      break;
    default:
      break;
  }
  return s;
}

}  // namespace

std::vector<State> parse_states(Checker& c, const YamlNode& list, const std::string& path) {
  std::vector<State> out;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (auto s = parse_state(c, *list.items[i], path + "[" + std::to_string(i) + "]")) {
      out.push_back(std::move(*s));
    }
  }
  return out;
}

}  // namespace fstage::flow::detail
