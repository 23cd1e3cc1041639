// SPDX-License-Identifier: Apache-2.0
// A function flow as the platform's v2 workflow API defines it (WorkflowCreateBody, FLOW.md §2),
// every field at the position it was written, plus fstage's local-only states (Switch,
// Parallel, Foreach: FLOW.md §4), which run here and which deploy refuses by name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::flow {

using manifest::Diagnostic;
using manifest::Location;

// `retries[]`: delay in whole seconds, attempts after the first failure.
struct Retry {
  std::string name;
  int delay = 1;         // seconds
  int max_attempts = 3;  // FLOW.md §2: default 3
  Location where;
  Location name_where;
};

// `functions[]`: a name the actions refer to and the function's URN (or a local name).
struct FunctionDecl {
  std::string name;       // unique in the flow; what `function_ref.ref_name` names
  std::string operation;  // as written: a URN "urn:fss:...:orders:latest" or "orders"
  std::string local;      // the manifest function it runs locally (the URN's function name)
  OrderedJson metadata = OrderedJson::object();
  Location where;
  Location name_where;
  Location operation_where;
};

// `triggers[]` (FLOWTIMER, SMN, APIG, APIG_DE, OBS): kept for deploy and serve.
struct FlowTrigger {
  std::string name;
  std::string type;
  bool enabled = true;
  OrderedJson config = OrderedJson::object();  // trigger_config as written
  Location where;
  Location name_where;
};

// One `function_ref.arguments` entry: "<JsonPath>" or "<JsonPath> | <fallback>", where the
// fallback is a number, a 'single-quoted string', true/false or $CONST.path.
struct Argument {
  std::string key;
  std::string expression;  // as written
  Location where;          // of the value
};

struct Action {
  std::string ref_name;  // a FunctionDecl::name
  // "synchronize" (the v2 API's only mode) or "callback": fstage's local extension, the
  // console's callback node (engine.hpp, Invoker::await_callback), which deploy refuses.
  std::string invoke_mode = "synchronize";
  std::vector<Argument> arguments;
  bool has_arguments = false;  // `arguments` present: the function gets them, not the data
  Location where;
  Location ref_where;  // of ref_name's value
};

// `on_errors[]`: `error` is a function's errorType or "*" for any.
struct OnError {
  std::string error;
  std::string transition;  // "" when it only retries
  std::string retry_ref;   // "" when it only routes
  Location where;
  Location transition_where;
  Location retry_where;
};

// `state_data_filter`: JsonPath selecting the state's input on entry and its output on exit;
// "" passes the data through.
struct DataFilter {
  std::string input;
  std::string output;
  Location input_where;
  Location output_where;
};

enum class StateType {
  operation,
  sleep,
  end,
  // fstage's local extensions (FLOW.md §4): run locally, never deployed.
  switch_,
  parallel,
  foreach,
};

// "Operation", "Sleep", "End", "Switch", "Parallel", "Foreach": as written in a definition.
std::string_view to_string(StateType type);
// The v2 API has exactly Operation, Sleep and End.
bool is_local_only(StateType type);
// An action that waits for a callback: the local extension invoke_mode "callback".
inline constexpr std::string_view k_invoke_callback = "callback";

// Switch: "<JsonPath> <op> <value>" (op one of == != > >= < <=; value a number, a
// 'single-quoted string', true/false, null) -> transition. The first that holds wins.
struct Condition {
  std::string expression;
  std::string transition;
  Location where;  // of the condition's text
  Location transition_where;
};

struct State;

// A Parallel branch or a Foreach body: a small flow of its own.
struct Subflow {
  std::string start;
  std::vector<State> states;
  Location where;
  Location start_where;
};

struct State {
  std::string id;
  std::string name;
  StateType type = StateType::operation;
  bool end = false;
  std::string transition;  // next state id; "" for none
  Location where;          // of the state's mapping
  Location type_where;
  Location transition_where;
  Location id_where;

  // Operation
  std::vector<Action> actions;
  std::string action_mode = "sequential";  // or "parallel"
  std::vector<OnError> on_errors;
  DataFilter filter;

  // Sleep: whole seconds (the console allows 0.001-86400 s; the API an integer).
  std::int64_t duration = 0;

  // Switch
  std::vector<Condition> conditions;
  std::string default_transition;
  Location default_where;

  // Parallel: every branch gets a copy of the input; the state completes when `completion`
  // branches have succeeded (0 = all); their outputs, in branch order, go under result_key.
  std::vector<Subflow> branches;
  int completion = 0;
  Location completion_where;
  std::string result_key = "result";

  // Foreach: each element of the array at items_path runs `iterator` (at most `concurrency`
  // at once, 0 = unlimited), seeing the element as `iteration_variable`; the outputs, in
  // order, are written at result_path.
  std::string items_path;
  Location items_where;
  std::string iteration_variable = "item";
  std::string result_path = "$.result";
  int concurrency = 0;
  std::optional<Subflow> iterator;
};

enum class Mode { normal, express };

struct Definition {
  std::string name;  // the flow's key in the manifest, and its platform name
  std::string description;
  std::string start;
  Mode mode = Mode::normal;
  std::string express_log_level;  // express_config.log_level, "" when unset
  std::vector<FlowTrigger> triggers;
  std::vector<FunctionDecl> functions;
  std::vector<State> states;
  OrderedJson constants = OrderedJson::object();
  std::vector<Retry> retries;
  bool enable_stream_response = false;
  std::string enterprise_project_id;

  std::filesystem::path file;  // where the definition was read from (the manifest or its file)
  Location where;              // the flow's entry in the manifest
  Location start_where;        // of `start`'s value (the definition's mapping when missing)

  const State* find_state(std::string_view id) const;
  const FunctionDecl* find_function(std::string_view name) const;
  const Retry* find_retry(std::string_view name) const;
};

}  // namespace fstage::flow
