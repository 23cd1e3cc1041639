// SPDX-License-Identifier: Apache-2.0
// The run loop: walks a flow (or a branch, or an iteration) state by state, and around each
// state the part every type shares: its input and output filters, its record, and the attempt
// loop that retries (retry_ref) or routes (transition) a failure by its on_errors.
#include <algorithm>

#include "engine_internal.hpp"

namespace fstage::flow {
namespace detail {

const State* Scope::find(std::string_view id) const {
  for (const auto& s : *states) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

OrderedJson next_data(const RunOptions& options, const OrderedJson& previous, OrderedJson next) {
  if (!options.merge_parameters || !previous.is_object() || !next.is_object()) {
    return next;
  }
  OrderedJson merged = previous;
  for (auto& [key, value] : next.items()) {
    merged[key] = std::move(value);
  }
  return merged;
}

AttemptResult data_error(std::string message) {
  AttemptResult r;
  r.kind = AttemptResult::Kind::error;
  r.error_type = std::string(k_error_data);
  r.error_message = std::move(message);
  return r;
}

namespace {

// A state_data_filter path applied to `data`: "" passes it through, a path that selects
// nothing gives {} (a state's data is an object, as in Serverless Workflow).
tl::expected<OrderedJson, std::string> apply_filter(const std::string& filter, OrderedJson data,
                                                    const OrderedJson& constants,
                                                    const char* which) {
  if (filter.empty()) {
    return data;
  }
  auto path = parse_path(filter);
  if (!path) {
    return tl::unexpected(std::string("state_data_filter.") + which + " '" + filter +
                          "': " + path.error().message);
  }
  if (path->is_root()) {
    return data;
  }
  auto selected = select(*path, data, constants);
  return selected ? std::move(*selected) : OrderedJson::object();
}

// The data a handler's transition hands on: the failed state's input as it entered, with
// "error": {errorType, errorMessage, state} when it is an object (flow/SEMANTICS.md).
OrderedJson with_error(OrderedJson data, const StateOutcome& o) {
  OrderedJson error = {
      {"errorType", o.error_type}, {"errorMessage", o.error_message}, {"state", o.error_state}};
  if (data.is_object()) {
    data["error"] = std::move(error);
    return data;
  }
  return OrderedJson{{"error", std::move(error)}};
}

// The first on_errors entry for `error_type`: exact match or "*", in the order written.
const OnError* find_handler(const State& state, const std::string& error_type) {
  for (const auto& h : state.on_errors) {
    if (h.error == "*" || h.error == error_type) {
      return &h;
    }
  }
  return nullptr;
}

AttemptResult run_sleep(RunContext& ctx, Scope& scope, const State& state,
                        const OrderedJson& input) {
  std::int64_t ms = state.duration * 1000;
  Event e;
  e.kind = Event::Kind::slept;
  e.state_id = scope.prefix + state.id;
  e.state_name = state.name;
  e.slept_ms = ms;
  if (ctx.options.real_time) {
    double t0 = ctx.clock.elapsed_ms();
    bool done = wait_real(ms, *scope.stop);
    scope.waited_ms += ctx.clock.elapsed_ms() - t0;
    if (!done) {
      AttemptResult r;
      r.kind = AttemptResult::Kind::cancelled;
      return r;
    }
  } else {
    scope.virtual_ms += ms;
  }
  ctx.recorder.emit(e);
  AttemptResult r;
  r.output = input;
  return r;
}

AttemptResult run_body(RunContext& ctx, Scope& scope, const State& state, const OrderedJson& input,
                       int attempt) {
  switch (state.type) {
    case StateType::operation:
      return run_operation(ctx, scope, state, input, attempt);
    case StateType::sleep:
      return run_sleep(ctx, scope, state, input);
    case StateType::end: {
      AttemptResult r;
      r.output = input;
      return r;
    }
    case StateType::switch_:
      return run_switch(ctx, state, input);
    case StateType::parallel:
      return run_parallel(ctx, scope, state, input);
    case StateType::foreach:
      return run_foreach(ctx, scope, state, input);
  }
  return data_error("unknown state type");
}

// Waits out a retry's delay: virtual time by default, real time with real_time. False when the
// run was stopped while waiting.
bool retry_delay(RunContext& ctx, Scope& scope, const State& state, const Retry& retry,
                 int next_attempt) {
  std::int64_t ms = static_cast<std::int64_t>(retry.delay) * 1000;
  if (ctx.options.real_time) {
    double t0 = ctx.clock.elapsed_ms();
    bool done = wait_real(ms, *scope.stop);
    scope.waited_ms += ctx.clock.elapsed_ms() - t0;
    if (!done) {
      return false;
    }
  } else {
    scope.virtual_ms += ms;
  }
  Event e;
  e.kind = Event::Kind::slept;
  e.state_id = scope.prefix + state.id;
  e.state_name = state.name;
  e.attempt = next_attempt;
  e.slept_ms = ms;
  ctx.recorder.emit(e);
  return true;
}

StateOutcome finish(RunContext& ctx, Scope& scope, const State& state, StateOutcome o, double t0) {
  if (ctx.recorder.has_listener()) {
    Event e;
    e.kind = Event::Kind::state_finished;
    e.state_id = scope.prefix + state.id;
    e.state_name = state.name;
    e.duration_ms = ctx.clock.elapsed_ms() - t0;
    switch (o.kind) {
      case StateOutcome::Kind::next:
      case StateOutcome::Kind::end:
        e.status = std::string(o.caught ? k_status_fail : k_status_success);
        break;
      case StateOutcome::Kind::failed:
        e.status = o.status;
        break;
      case StateOutcome::Kind::cancelled:
        e.status = std::string(k_status_cancel);
        break;
    }
    e.error_type = o.error_type;
    e.error_message = o.error_message;
    ctx.recorder.emit(e);
  }
  return o;
}

}  // namespace

StateOutcome run_state(RunContext& ctx, Scope& scope, const State& state, OrderedJson data) {
  const std::string node_id = scope.prefix + state.id;
  const double t0 = ctx.clock.elapsed_ms();
  ctx.recorder.add_path(node_id);
  if (ctx.recorder.has_listener()) {
    Event e;
    e.kind = Event::Kind::state_started;
    e.state_id = node_id;
    e.state_name = state.name;
    ctx.recorder.emit(e);
  }
  const std::size_t node = ctx.recorder.open_node(node_id, state.name);

  // The input as it entered, kept only when a handler may hand it on.
  const bool may_route = std::any_of(state.on_errors.begin(), state.on_errors.end(),
                                     [](const OnError& h) { return !h.transition.empty(); });
  OrderedJson entry = may_route ? data : OrderedJson();
  // A resumed run's first state gets the input its failed attempt had, already filtered.
  const bool resumed =
      ctx.resume_pending && scope.prefix.empty() && state.id == ctx.options.resume_state;
  ctx.resume_pending = ctx.resume_pending && !resumed;
  auto filtered =
      resumed ? tl::expected<OrderedJson, std::string>(std::move(data))
              : apply_filter(state.filter.input, std::move(data), ctx.def.constants, "input");

  StateOutcome out;
  out.error_state = node_id;
  std::vector<int> retries_used(state.on_errors.size(), 0);
  for (int attempt = 0;; ++attempt) {
    if (scope.stop->stopped()) {
      out.kind = StateOutcome::Kind::cancelled;
      return finish(ctx, scope, state, std::move(out), t0);
    }
    NodeAttempt rec;
    rec.attempt = attempt;
    rec.begin_ms = ctx.clock.now_ms(scope.virtual_ms);
    const double a0 = ctx.clock.elapsed_ms();
    AttemptResult r;
    if (filtered) {
      rec.input = *filtered;
      r = run_body(ctx, scope, state, *filtered, attempt);
    } else {
      r = data_error(filtered.error());
    }
    if (r.kind == AttemptResult::Kind::ok) {
      auto output =
          apply_filter(state.filter.output, std::move(r.output), ctx.def.constants, "output");
      if (output) {
        r.output = std::move(*output);
      } else {
        r = data_error(output.error());
      }
    }
    rec.end_ms = ctx.clock.now_ms(scope.virtual_ms);
    rec.duration_ms = ctx.clock.elapsed_ms() - a0;
    rec.function = r.function;
    rec.request_id = r.request_id;
    rec.mocked = r.mocked;
    switch (r.kind) {
      case AttemptResult::Kind::ok:
        rec.status = std::string(k_status_success);
        rec.output = r.output;
        break;
      case AttemptResult::Kind::cancelled:
        rec.status = std::string(k_status_cancel);
        break;
      case AttemptResult::Kind::error:
      case AttemptResult::Kind::sandbox:
        rec.status = r.status;
        rec.error_type = r.error_type;
        rec.error_message = r.error_message;
        break;
    }
    if (ctx.recorder.has_listener()) {
      Event e;
      e.kind = Event::Kind::attempt_finished;
      e.state_id = node_id;
      e.state_name = state.name;
      e.function = r.function;
      e.attempt = attempt;
      e.status = rec.status;
      e.error_type = r.error_type;
      e.error_message = r.error_message;
      e.duration_ms = rec.duration_ms;
      e.mocked = r.mocked;
      e.request_id = r.request_id;
      e.input = rec.input;
      e.output = rec.output;
      e.begin_ms = rec.begin_ms;
      e.end_ms = rec.end_ms;
      ctx.recorder.emit(e);
    }
    ctx.recorder.add_attempt(node, std::move(rec));

    if (r.kind == AttemptResult::Kind::ok) {
      std::string next = state.type == StateType::switch_ ? r.next : state.transition;
      bool at_end = state.type == StateType::end || state.end || next.empty();
      out.kind = at_end ? StateOutcome::Kind::end : StateOutcome::Kind::next;
      out.next = at_end ? std::string() : std::move(next);
      out.data = std::move(r.output);
      return finish(ctx, scope, state, std::move(out), t0);
    }
    if (r.kind == AttemptResult::Kind::cancelled) {
      out.kind = StateOutcome::Kind::cancelled;
      return finish(ctx, scope, state, std::move(out), t0);
    }
    out.status = r.status;
    out.error_type = r.error_type;
    out.error_message = r.error_message;
    if (r.kind == AttemptResult::Kind::sandbox) {
      // Nothing ran: not the flow's error to route, and retrying would fail the same way.
      out.kind = StateOutcome::Kind::failed;
      out.sandbox = true;
      return finish(ctx, scope, state, std::move(out), t0);
    }
    const OnError* h = find_handler(state, r.error_type);
    if (h != nullptr && !h->retry_ref.empty()) {
      const Retry* retry = ctx.def.find_retry(h->retry_ref);
      int& used = retries_used[static_cast<std::size_t>(h - state.on_errors.data())];
      if (retry != nullptr && used < retry->max_attempts) {
        ++used;
        if (!retry_delay(ctx, scope, state, *retry, attempt + 1)) {
          out.kind = StateOutcome::Kind::cancelled;
          return finish(ctx, scope, state, std::move(out), t0);
        }
        continue;
      }
    }
    if (h != nullptr && !h->transition.empty()) {
      out.kind = StateOutcome::Kind::next;
      out.caught = true;
      out.next = h->transition;
      out.data = with_error(std::move(entry), out);
      return finish(ctx, scope, state, std::move(out), t0);
    }
    out.kind = StateOutcome::Kind::failed;
    return finish(ctx, scope, state, std::move(out), t0);
  }
}

SubflowResult run_subflow(RunContext& ctx, Scope& scope, const std::string& start,
                          OrderedJson input) {
  std::string current = start;
  OrderedJson data = std::move(input);
  SubflowResult result;
  while (true) {
    if (scope.stop->stopped()) {
      result.status = std::string(k_status_cancel);
      return result;
    }
    const State* state = scope.find(current);
    if (state == nullptr) {
      // The validator refuses this; a definition built in code may still hold it.
      result.status = std::string(k_status_fail);
      result.error_type = std::string(k_error_data);
      result.error_message = "no state '" + current + "' to transition to";
      result.error_state = scope.prefix + current;
      return result;
    }
    StateOutcome o = run_state(ctx, scope, *state, std::move(data));
    switch (o.kind) {
      case StateOutcome::Kind::next:
        current = std::move(o.next);
        data = std::move(o.data);
        continue;
      case StateOutcome::Kind::end:
        result.status = std::string(k_status_success);
        result.output = std::move(o.data);
        return result;
      case StateOutcome::Kind::failed:
        result.status = o.status.empty() ? std::string(k_status_fail) : o.status;
        result.error_type = std::move(o.error_type);
        result.error_message = std::move(o.error_message);
        result.error_state = std::move(o.error_state);
        result.sandbox = o.sandbox;
        return result;
      case StateOutcome::Kind::cancelled:
        result.status = std::string(k_status_cancel);
        return result;
    }
  }
}

}  // namespace detail

Expected<Execution> run(const Definition& def, Invoker& invoker, const RunOptions& options) {
  using namespace detail;
  const State* only = nullptr;
  if (!options.only_state.empty()) {
    only = def.find_state(options.only_state);
    if (only == nullptr) {
      std::string ids;
      for (const auto& s : def.states) {
        ids += (ids.empty() ? "" : ", ") + s.id;
      }
      return fail(ErrorCode::not_found,
                  "flow '" + def.name + "' has no state '" + options.only_state + "'",
                  "its states: " + ids);
    }
  }
  if (!options.resume_state.empty() && def.find_state(options.resume_state) == nullptr) {
    return fail(ErrorCode::not_found,
                "flow '" + def.name + "' has no state '" + options.resume_state + "' to resume at");
  }
  Execution e;
  e.workflow_name = def.name;
  e.workflow_id = stable_id(def.name);
  e.workflow_urn = "urn:fss:" + options.region + ":" + options.project_id +
                   ":workflow:default:" + def.name + ":latest";
  e.execution_id = options.execution_id.empty() ? uuid_v4() : options.execution_id;
  e.status = std::string(k_status_running);
  e.headers = OrderedJson::object();
  for (const auto& [k, v] : options.headers) {
    e.headers[k] = v;
  }
  e.input = options.input;

  Recorder recorder(e, options.on_event);
  RunContext ctx(def, invoker, options, recorder);
  ctx.workflow_id = e.workflow_id;
  ctx.execution_id = e.execution_id;
  ctx.base_headers = options.headers;
  ctx.base_headers["X-Cff-Workflow-Id"] = e.workflow_id;
  ctx.base_headers["X-Cff-Workflow-Run-Id"] = e.execution_id;
  ctx.resume_pending = !options.resume_state.empty();
  e.begin_time = iso_seconds(ctx.clock.start_ms());
  if (recorder.has_listener()) {
    Event started;
    started.kind = Event::Kind::flow_started;
    recorder.emit(started);
  }

  Scope scope;
  scope.states = &def.states;
  scope.stop = &ctx.root_stop;
  SubflowResult r;
  if (only != nullptr) {
    StateOutcome o = run_state(ctx, scope, *only, options.input);
    switch (o.kind) {
      case StateOutcome::Kind::next:
      case StateOutcome::Kind::end:
        r.status = std::string(k_status_success);
        e.next_state = o.next;
        e.caught_error = o.caught;
        r.output = std::move(o.data);
        if (o.caught) {
          r.error_type = o.error_type;
          r.error_message = o.error_message;
          r.error_state = o.error_state;
        }
        break;
      case StateOutcome::Kind::failed:
        r.status = o.status;
        r.error_type = o.error_type;
        r.error_message = o.error_message;
        r.error_state = o.error_state;
        r.sandbox = o.sandbox;
        break;
      case StateOutcome::Kind::cancelled:
        r.status = std::string(k_status_cancel);
        break;
    }
  } else {
    r = run_subflow(ctx, scope, options.resume_state.empty() ? def.start : options.resume_state,
                    options.input);
  }

  e.status = r.status;
  e.output = std::move(r.output);
  e.error_state = std::move(r.error_state);
  e.error_type = std::move(r.error_type);
  e.error_message = std::move(r.error_message);
  e.sandbox_failure = r.sandbox;
  e.end_time = iso_seconds(ctx.clock.now_ms(scope.virtual_ms));
  e.last_update_time = e.end_time;
  e.duration_ms = ctx.clock.elapsed_ms();
  e.function_ms = scope.waited_ms;
  e.engine_ms = std::max(0.0, e.duration_ms - scope.waited_ms);
  e.virtual_slept_ms = scope.virtual_ms;
  if (recorder.has_listener()) {
    Event finished;
    finished.kind = Event::Kind::flow_finished;
    finished.status = e.status;
    finished.error_type = e.error_type;
    finished.error_message = e.error_message;
    finished.duration_ms = e.duration_ms;
    finished.slept_ms = e.virtual_slept_ms;
    recorder.emit(finished);
  }
  return e;
}

}  // namespace fstage::flow
