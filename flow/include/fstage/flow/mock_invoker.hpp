// SPDX-License-Identifier: Apache-2.0
// The Invoker a flow test runs with: a test's mocks answer their states' calls by attempt,
// every other call goes to the real functions, and each call is recorded (for `attempts`
// expectations and the report).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <fstage/flow/engine.hpp>
#include <fstage/flow/testcase.hpp>

namespace fstage::flow {

class MockInvoker : public Invoker {
 public:
  // `real` runs the states no mock answers; nullptr when there are none to run (such a call
  // then stops the run as a problem of the test, not of the flow).
  MockInvoker(std::vector<StateMock> mocks, Invoker* real)
      : m_mocks(std::move(mocks)), m_real(real) {}

  // Thread-safe. A mock matches a call by its state id (Invocation::state_id, or that id's
  // last '/'-segment for a state nested in a branch or loop) and, when it names one, its
  // ref_name; a ref_name's mock wins over the whole state's. A mocked call whose attempt no
  // range covers is never passed to the function and never answered by another attempt's
  // mock: the run stops with Status::sandbox and problems() says which attempt was missing.
  InvocationResult invoke(const Invocation& call) override;

  struct Call {
    std::string state_id;  // as the engine gave it
    std::string ref_name;
    std::string function;
    int attempt = 0;
    bool mocked = false;
    InvocationResult::Status status = InvocationResult::Status::ok;
    std::string error_type;
  };
  // Every call, in the order they were made.
  std::vector<Call> calls() const;
  // What made the test, not the flow, stop a run (one sentence each).
  std::vector<std::string> problems() const;

 private:
  const StateMock* match(const Invocation& call) const;
  void record(const Invocation& call, const InvocationResult& r, bool mocked);

  std::vector<StateMock> m_mocks;
  Invoker* m_real;
  mutable std::mutex m_mutex;
  std::vector<Call> m_calls;
  std::vector<std::string> m_problems;
};

// `state_id` as the engine gives it ("charge", or "par/0/charge" inside a branch) names the
// state `id`.
bool names_state(std::string_view state_id, std::string_view id);

}  // namespace fstage::flow
