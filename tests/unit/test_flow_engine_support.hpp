// SPDX-License-Identifier: Apache-2.0
// Definitions built in code and a scriptable mock Invoker, for the engine's tests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/engine.hpp>
#include <fstage/flow/model.hpp>

namespace fstage::test {

using flow::InvocationResult;

// Records every call; answers with `answer` (by default: {"ok":true} from any function).
struct MockInvoker : flow::Invoker {
  std::mutex mutex;
  std::vector<flow::Invocation> calls;
  std::function<InvocationResult(const flow::Invocation&)> answer;

  InvocationResult invoke(const flow::Invocation& call) override {
    {
      std::lock_guard lock(mutex);
      calls.push_back(call);
    }
    if (answer) {
      return answer(call);
    }
    return ok(R"({"ok":true})");
  }

  std::vector<flow::Invocation> calls_to(const std::string& function) {
    std::lock_guard lock(mutex);
    std::vector<flow::Invocation> out;
    for (const auto& c : calls) {
      if (c.function == function) {
        out.push_back(c);
      }
    }
    return out;
  }

  static InvocationResult ok(std::string output) {
    InvocationResult r;
    r.output = std::move(output);
    r.request_id = "req-" + std::to_string(++counter());
    r.mocked = true;
    return r;
  }
  static InvocationResult error(
      std::string type, std::string message = "it failed",
      InvocationResult::Status status = InvocationResult::Status::function_error) {
    InvocationResult r;
    r.status = status;
    r.error_type = std::move(type);
    r.error_message = std::move(message);
    r.request_id = "req-" + std::to_string(++counter());
    return r;
  }
  static std::atomic<int>& counter() {
    static std::atomic<int> n{0};
    return n;
  }
};

inline OrderedJson js(const char* text) {
  return OrderedJson::parse(text);
}

// A Definition with the given functions (each runs the local function of the same name).
inline flow::Definition flow_of(std::vector<std::string> functions, std::string start) {
  flow::Definition d;
  d.name = "test_flow";
  d.start = std::move(start);
  for (auto& f : functions) {
    flow::FunctionDecl decl;
    decl.name = f;
    decl.operation = f;
    decl.local = f;
    d.functions.push_back(std::move(decl));
  }
  return d;
}

inline flow::Action action(std::string ref,
                           std::vector<std::pair<std::string, std::string>> args = {},
                           bool has_args = false) {
  flow::Action a;
  a.ref_name = std::move(ref);
  a.has_arguments = has_args || !args.empty();
  for (auto& [k, v] : args) {
    flow::Argument arg;
    arg.key = k;
    arg.expression = v;
    a.arguments.push_back(std::move(arg));
  }
  return a;
}

inline flow::State operation(std::string id, std::vector<flow::Action> actions,
                             std::string transition) {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::operation;
  s.actions = std::move(actions);
  s.transition = std::move(transition);
  return s;
}

// An Operation calling one function of the same name as the state.
inline flow::State call(std::string id, std::string transition) {
  return operation(id, {action(id)}, std::move(transition));
}

inline flow::State end_state(std::string id = "end") {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::end;
  s.end = true;
  return s;
}

inline flow::State sleep_state(std::string id, std::int64_t seconds, std::string transition) {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::sleep;
  s.duration = seconds;
  s.transition = std::move(transition);
  return s;
}

inline flow::OnError on_error(std::string error, std::string transition,
                              std::string retry_ref = {}) {
  flow::OnError h;
  h.error = std::move(error);
  h.transition = std::move(transition);
  h.retry_ref = std::move(retry_ref);
  return h;
}

inline flow::Retry retry(std::string name, int delay, int max_attempts) {
  flow::Retry r;
  r.name = std::move(name);
  r.delay = delay;
  r.max_attempts = max_attempts;
  return r;
}

inline flow::Execution run_ok(const flow::Definition& d, flow::Invoker& inv,
                              const flow::RunOptions& opts = {}) {
  auto e = flow::run(d, inv, opts);
  REQUIRE(e.has_value());
  return std::move(*e);
}

inline flow::RunOptions input(const char* json) {
  flow::RunOptions o;
  o.input = js(json);
  return o;
}

// Waits until `pred` holds (polling), at most `limit`; whether it did.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

}  // namespace fstage::test
