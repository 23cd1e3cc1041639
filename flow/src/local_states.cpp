// SPDX-License-Identifier: Apache-2.0
// fstage's local-only states (FLOW.md §4, the console's branch, parallel and loop nodes):
// Switch picks a transition, Parallel runs branches on threads until enough succeed, Foreach
// runs its iterator per array element at a bounded concurrency. Branches and iterations are
// subflows with their own scope: their states are recorded as "<state>/<n>/<id>", each has a
// node of its own ("<state>/<n>") with the branch's or iteration's status, and each keeps its
// own virtual time, the longest of which the state continues from.
#include <algorithm>
#include <condition_variable>
#include <thread>

#include "engine_internal.hpp"

namespace fstage::flow::detail {
namespace {

// The most threads one Parallel or Foreach starts: Foreach's "unlimited" (0) runs this many
// iterations at once (the console's own maximum is 100).
constexpr std::size_t k_max_threads = 256;

AttemptResult failure_of(const SubflowResult& r) {
  AttemptResult a;
  a.kind = r.sandbox ? AttemptResult::Kind::sandbox : AttemptResult::Kind::error;
  a.status = r.status;
  a.error_type = r.error_type;
  a.error_message = (r.error_state.empty() ? "" : r.error_state + ": ") + r.error_message;
  return a;
}

// A branch or an iteration: its own node in the record, its subflow, its virtual time.
struct SubRun {
  std::string node_id;
  std::string node_name;
  const Subflow* flow = nullptr;
  OrderedJson input;
  SubflowResult result;
  std::int64_t virtual_ms = 0;
};

void run_sub(RunContext& ctx, const Scope& parent, const StopToken& stop, SubRun& sub) {
  std::size_t node = ctx.recorder.open_node(sub.node_id, sub.node_name);
  Scope scope;
  scope.states = &sub.flow->states;
  scope.prefix = sub.node_id + "/";
  scope.stop = &stop;
  scope.virtual_ms = sub.virtual_ms;
  NodeAttempt rec;
  rec.input = sub.input;
  rec.begin_ms = ctx.clock.now_ms(scope.virtual_ms);
  double t0 = ctx.clock.elapsed_ms();
  sub.result = run_subflow(ctx, scope, sub.flow->start, std::move(sub.input));
  rec.end_ms = ctx.clock.now_ms(scope.virtual_ms);
  rec.duration_ms = ctx.clock.elapsed_ms() - t0;
  rec.status = sub.result.status;
  rec.output = sub.result.output;
  rec.error_type = sub.result.error_type;
  rec.error_message = sub.result.error_message;
  ctx.recorder.add_attempt(node, std::move(rec));
  sub.virtual_ms = scope.virtual_ms;
  (void)parent;
}

// The state's failure after its subflows: the run's cancel first, then the first failure in
// order (a branch or iteration stopped because another failed is not the cause).
AttemptResult first_failure(const Scope& scope, const std::vector<SubRun>& subs) {
  if (scope.stop->stopped()) {
    AttemptResult r;
    r.kind = AttemptResult::Kind::cancelled;
    return r;
  }
  for (const auto& s : subs) {
    if (!s.result.status.empty() && s.result.status != k_status_success &&
        s.result.status != k_status_cancel) {
      return failure_of(s.result);
    }
  }
  AttemptResult r;
  r.kind = AttemptResult::Kind::cancelled;
  return r;
}

// Removes what a key/index path names from `data` (nothing for $, $CONST or wildcards).
void erase(const JsonPath& path, OrderedJson& data) {
  if (path.constants || path.steps.empty()) {
    return;
  }
  OrderedJson* node = &data;
  for (std::size_t i = 0; i + 1 < path.steps.size(); ++i) {
    const PathStep& step = path.steps[i];
    if (step.kind == PathStep::Kind::key && node->is_object() && node->contains(step.key)) {
      node = &(*node)[step.key];
    } else if (step.kind == PathStep::Kind::index && node->is_array()) {
      long size = static_cast<long>(node->size());
      long at = step.index < 0 ? size + step.index : step.index;
      if (at < 0 || at >= size) {
        return;
      }
      node = &(*node)[static_cast<std::size_t>(at)];
    } else {
      return;
    }
  }
  const PathStep& last = path.steps.back();
  if (last.kind == PathStep::Kind::key && node->is_object()) {
    node->erase(last.key);
  }
}

}  // namespace

AttemptResult run_switch(RunContext& ctx, const State& state, const OrderedJson& input) {
  AttemptResult r;
  for (const auto& c : state.conditions) {
    auto cond = parse_condition(c.expression);
    if (!cond) {
      return data_error("condition '" + c.expression + "': " + cond.error().message +
                        " at offset " + std::to_string(cond.error().offset));
    }
    if (holds(*cond, input, ctx.def.constants)) {
      r.next = c.transition;
      r.output = input;
      return r;
    }
  }
  if (state.default_transition.empty()) {
    AttemptResult e = data_error("no condition of Switch '" + state.id +
                                 "' holds for its input, and it has no default");
    e.error_type = std::string(k_error_no_match);
    return e;
  }
  r.next = state.default_transition;
  r.output = input;
  return r;
}

AttemptResult run_parallel(RunContext& ctx, Scope& scope, const State& state,
                           const OrderedJson& input) {
  const std::size_t n = state.branches.size();
  const std::size_t need =
      state.completion <= 0 ? n : std::min(n, static_cast<std::size_t>(state.completion));
  std::vector<SubRun> subs(n);
  for (std::size_t i = 0; i < n; ++i) {
    subs[i].node_id = scope.prefix + state.id + "/" + std::to_string(i);
    subs[i].node_name = state.name + " branch " + std::to_string(i);
    subs[i].flow = &state.branches[i];
    subs[i].input = input;
    subs[i].virtual_ms = scope.virtual_ms;
  }
  // The branches no longer needed (enough succeeded, or too many failed) start no further
  // state, their running invocations are stopped through the group's stop_fd, and they end as
  // cancel.
  StopToken group(scope.stop);
  std::mutex mutex;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  auto branch = [&](std::size_t i) {
    run_sub(ctx, scope, group, subs[i]);
    std::lock_guard lock(mutex);
    if (subs[i].result.status == k_status_success) {
      ++succeeded;
    } else {
      ++failed;
    }
    if (succeeded >= need || failed > n - need) {
      group.raise();
    }
  };
  double t0 = ctx.clock.elapsed_ms();
  {
    std::vector<std::jthread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      threads.emplace_back(branch, i);
    }
  }
  scope.waited_ms += ctx.clock.elapsed_ms() - t0;
  for (const auto& s : subs) {
    scope.virtual_ms = std::max(scope.virtual_ms, s.virtual_ms);
  }
  if (succeeded < need) {
    return first_failure(scope, subs);
  }
  // One slot per branch, in branch order; null for a branch that did not complete.
  OrderedJson results = OrderedJson::array();
  for (auto& s : subs) {
    results.push_back(s.result.status == k_status_success ? std::move(s.result.output)
                                                          : OrderedJson(nullptr));
  }
  AttemptResult r;
  r.output = input.is_object() ? input : OrderedJson::object();
  r.output[state.result_key.empty() ? "result" : state.result_key] = std::move(results);
  return r;
}

AttemptResult run_foreach(RunContext& ctx, Scope& scope, const State& state,
                          const OrderedJson& input) {
  if (!state.iterator) {
    return data_error("Foreach '" + state.id + "' has no iterator");
  }
  auto items_path = parse_path(state.items_path);
  if (!items_path) {
    return data_error("items_path '" + state.items_path + "': " + items_path.error().message);
  }
  auto items = select(*items_path, input, ctx.def.constants);
  if (!items || !items->is_array()) {
    return data_error("items_path '" + state.items_path + "' selects " +
                      (items ? std::string("a ") + items->type_name() : std::string("nothing")) +
                      ", not an array");
  }
  auto result_path = parse_path(state.result_path.empty() ? "$.result" : state.result_path);
  if (!result_path) {
    return data_error("result_path '" + state.result_path + "': " + result_path.error().message);
  }
  const std::size_t n = items->size();
  const std::string var = state.iteration_variable.empty() ? "item" : state.iteration_variable;
  // An iteration sees the state's data without the array it iterates (n copies of n elements
  // would make a large Foreach quadratic in time and memory), plus its element under the
  // iteration variable.
  OrderedJson context = input.is_object() ? input : OrderedJson::object();
  erase(*items_path, context);
  std::vector<SubRun> subs(n);
  for (std::size_t i = 0; i < n; ++i) {
    subs[i].node_id = scope.prefix + state.id + "/" + std::to_string(i);
    subs[i].node_name = state.name + " [" + std::to_string(i) + "]";
    subs[i].flow = &*state.iterator;
    subs[i].input = context;
    subs[i].input[var] = std::move((*items)[i]);
  }
  std::size_t width = state.concurrency <= 0 ? n : static_cast<std::size_t>(state.concurrency);
  width = std::min({width, n, k_max_threads});

  // Each worker takes the next element. Virtual time follows the schedule, not the threads:
  // element i continues the line of element i - width (i % width), so concurrency 1 sleeps one
  // after another and unlimited all at once, however fast the threads happen to start. The
  // first failure stops the rest from starting.
  StopToken group(scope.stop);
  std::atomic<std::size_t> next{0};
  std::mutex lines_mutex;
  std::vector<std::int64_t> lines(std::max<std::size_t>(width, 1), scope.virtual_ms);
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      if (group.stopped()) {
        subs[i].result.status = std::string(k_status_cancel);
        continue;
      }
      std::size_t line = i % lines.size();
      {
        std::lock_guard lock(lines_mutex);
        subs[i].virtual_ms = lines[line];
      }
      run_sub(ctx, scope, group, subs[i]);
      {
        std::lock_guard lock(lines_mutex);
        lines[line] = std::max(lines[line], subs[i].virtual_ms);
      }
      if (subs[i].result.status != k_status_success) {
        group.raise();
      }
    }
  };
  double t0 = ctx.clock.elapsed_ms();
  if (width <= 1) {
    worker();
  } else {
    std::vector<std::jthread> threads;
    threads.reserve(width);
    for (std::size_t w = 0; w < width; ++w) {
      threads.emplace_back(worker);
    }
  }
  scope.waited_ms += ctx.clock.elapsed_ms() - t0;
  for (auto line : lines) {
    scope.virtual_ms = std::max(scope.virtual_ms, line);
  }
  bool all_ok = std::all_of(subs.begin(), subs.end(),
                            [](const SubRun& s) { return s.result.status == k_status_success; });
  if (!all_ok) {
    return first_failure(scope, subs);
  }
  OrderedJson outputs = OrderedJson::array();
  for (auto& s : subs) {
    outputs.push_back(std::move(s.result.output));
  }
  AttemptResult r;
  r.output = input.is_object() || input.is_null() ? input : OrderedJson::object();
  if (!assign(*result_path, r.output, std::move(outputs))) {
    return data_error("result_path '" + result_path->text +
                      "' cannot be written in the state's data");
  }
  return r;
}

}  // namespace fstage::flow::detail
