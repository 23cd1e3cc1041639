// SPDX-License-Identifier: Apache-2.0
// The Operation state: each action's event (its evaluated arguments, or the state's data), the
// call through the Invoker with the workflow headers, the function's JSON result or its error
// in the platform's terms, and the actions run one after another or all at once.
#include <thread>

#include "engine_internal.hpp"

namespace fstage::flow::detail {
namespace {

AttemptResult error_result(std::string status, std::string_view type, std::string message) {
  AttemptResult r;
  r.kind = AttemptResult::Kind::error;
  r.status = std::move(status);
  r.error_type = std::string(type);
  r.error_message = std::move(message);
  return r;
}

// The event an action sends: with `arguments`, an object of each key's evaluated expression (a
// key whose path selects nothing and which has no fallback is left out); without, the data.
tl::expected<std::string, std::string> event_of(const RunContext& ctx, const Action& action,
                                                const OrderedJson& data) {
  if (!action.has_arguments) {
    return data.dump();
  }
  OrderedJson event = OrderedJson::object();
  for (const auto& arg : action.arguments) {
    auto expr = parse_argument(arg.expression);
    if (!expr) {
      return tl::unexpected("argument '" + arg.key + "' ('" + arg.expression +
                            "'): " + expr.error().message + " at offset " +
                            std::to_string(expr.error().offset));
    }
    if (auto value = evaluate(*expr, data, ctx.def.constants)) {
      event[arg.key] = std::move(*value);
    }
  }
  return event.dump();
}

// The function's answer in the engine's terms: its JSON, or an error the on_errors can route.
AttemptResult interpret(const InvocationResult& res, const std::string& function) {
  auto type_or = [&](std::string_view fallback) {
    return res.error_type.empty() ? std::string(fallback) : res.error_type;
  };
  AttemptResult r;
  switch (res.status) {
    case InvocationResult::Status::ok: {
      std::string_view text = res.output;
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        r.output = nullptr;  // no body (a Go handler's nil): null, not an error
        break;
      }
      auto parsed = parse_ordered_json(text, "the result of " + function);
      if (!parsed) {
        r = error_result(std::string(k_status_fail), k_error_not_json,
                         "function '" + function +
                             "' returned a result that is not JSON (a function in a flow must "
                             "return JSON): " +
                             parsed.error().message);
        break;
      }
      r.output = std::move(*parsed);
      break;
    }
    case InvocationResult::Status::function_error:
      r = error_result(std::string(k_status_fail), type_or(k_error_function), res.error_message);
      break;
    case InvocationResult::Status::timeout:
      r = error_result(std::string(k_status_timeout), type_or(k_error_timeout), res.error_message);
      break;
    case InvocationResult::Status::oom:
      r = error_result(std::string(k_status_fail), type_or(k_error_oom), res.error_message);
      break;
    case InvocationResult::Status::crash:
      r = error_result(std::string(k_status_fail), type_or(k_error_crash), res.error_message);
      break;
    case InvocationResult::Status::sandbox:
      r = error_result(std::string(k_status_fail), type_or(k_error_sandbox), res.error_message);
      r.kind = AttemptResult::Kind::sandbox;
      break;
    case InvocationResult::Status::cancelled:
      r.kind = AttemptResult::Kind::cancelled;
      break;
  }
  r.request_id = res.request_id;
  r.mocked = res.mocked;
  return r;
}

// One action: its event, the call, the answer. `function_ms` gets the time inside the Invoker.
AttemptResult call_action(RunContext& ctx, const Scope& scope, const State& state,
                          const Action& action, const OrderedJson& data, int attempt) {
  const FunctionDecl* fn = ctx.def.find_function(action.ref_name);
  if (fn == nullptr) {
    return data_error("no function '" + action.ref_name + "' in the flow's functions");
  }
  const std::string& local = fn->local.empty() ? fn->name : fn->local;
  auto event = event_of(ctx, action, data);
  if (!event) {
    AttemptResult r = data_error(event.error());
    r.function = local;
    return r;
  }
  Invocation call;
  call.function = local;
  call.ref_name = action.ref_name;
  call.state_id = state.id;
  call.attempt = attempt;
  call.event = std::move(*event);
  call.headers = ctx.base_headers;
  call.headers["X-Cff-Workflow-State-Id"] = state.id;
  call.stop_fd = scope.stop->group_fd();
  double t0 = ctx.clock.elapsed_ms();
  InvocationResult res = ctx.invoker.invoke(call);
  if (action.invoke_mode == k_invoke_callback && res.status == InvocationResult::Status::ok) {
    // The function started the work; the state ends when the callback says how it went.
    InvocationResult called_back = ctx.invoker.await_callback(call);
    called_back.request_id = res.request_id;
    called_back.mocked = res.mocked;
    res = std::move(called_back);
  }
  double spent = ctx.clock.elapsed_ms() - t0;
  AttemptResult r = interpret(res, local);
  r.function = local;
  r.function_ms = spent;
  return r;
}

// Several actions' names or request ids in one attempt's record: "a,b".
void append(std::string& to, const std::string& what) {
  if (!what.empty()) {
    to += (to.empty() ? "" : ",") + what;
  }
}

AttemptResult run_parallel_actions(RunContext& ctx, Scope& scope, const State& state,
                                   const OrderedJson& input, int attempt) {
  const auto& actions = state.actions;
  std::vector<AttemptResult> results(actions.size());
  double t0 = ctx.clock.elapsed_ms();
  {
    std::vector<std::jthread> threads;
    threads.reserve(actions.size() - 1);
    for (std::size_t i = 1; i < actions.size(); ++i) {
      threads.emplace_back(
          [&, i] { results[i] = call_action(ctx, scope, state, actions[i], input, attempt); });
    }
    results[0] = call_action(ctx, scope, state, actions[0], input, attempt);
  }  // joins
  scope.waited_ms += ctx.clock.elapsed_ms() - t0;

  AttemptResult out;
  for (auto& r : results) {
    append(out.function, r.function);
    append(out.request_id, r.request_id);
    out.mocked = out.mocked || r.mocked;
  }
  // The first failure in action order is the state's; cancel and sandbox first of all.
  for (auto kind :
       {AttemptResult::Kind::cancelled, AttemptResult::Kind::sandbox, AttemptResult::Kind::error}) {
    for (auto& r : results) {
      if (r.kind == kind) {
        r.function = out.function;
        r.request_id = out.request_id;
        return std::move(r);
      }
    }
  }
  // Objects merge in action order (a later action's key wins); any other result makes the
  // state's result the array of every action's result.
  bool all_objects = true;
  for (const auto& r : results) {
    all_objects = all_objects && r.output.is_object();
  }
  OrderedJson merged = all_objects ? OrderedJson::object() : OrderedJson::array();
  for (auto& r : results) {
    if (all_objects) {
      for (auto& [key, value] : r.output.items()) {
        merged[key] = std::move(value);
      }
    } else {
      merged.push_back(std::move(r.output));
    }
  }
  out.output = next_data(ctx.options, input, std::move(merged));
  return out;
}

}  // namespace

AttemptResult run_operation(RunContext& ctx, Scope& scope, const State& state,
                            const OrderedJson& input, int attempt) {
  const auto& actions = state.actions;
  if (actions.empty()) {
    AttemptResult r;
    r.output = input;
    return r;
  }
  if (state.action_mode == "parallel" && actions.size() > 1) {
    return run_parallel_actions(ctx, scope, state, input, attempt);
  }
  // Sequential: a pipeline. Each action sees the data the one before it left (its result, or
  // with merge parameters its result merged into its input); the state's result is the last.
  AttemptResult out;
  OrderedJson data;
  const OrderedJson* current = &input;
  for (const auto& action : actions) {
    AttemptResult r = call_action(ctx, scope, state, action, *current, attempt);
    scope.waited_ms += r.function_ms;
    append(out.function, r.function);
    append(out.request_id, r.request_id);
    out.mocked = out.mocked || r.mocked;
    if (r.kind != AttemptResult::Kind::ok) {
      r.function = out.function;
      r.request_id = out.request_id;
      return r;
    }
    data = next_data(ctx.options, *current, std::move(r.output));
    current = &data;
  }
  out.output = std::move(data);
  return out;
}

}  // namespace fstage::flow::detail

namespace fstage::flow {

// `fstage flow run` and `flow test` have no route a callback could arrive by.
InvocationResult Invoker::await_callback(const Invocation& call) {
  InvocationResult r;
  r.status = InvocationResult::Status::sandbox;
  r.error_message = "state " + call.state_id + " waits for a callback (invoke_mode: callback), " +
                    "which only `fstage serve` answers (POST /v2/{project_id}/fgs/workflows/" +
                    "{workflow_id}/callback)";
  return r;
}

}  // namespace fstage::flow
