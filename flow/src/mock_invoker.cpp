// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/strings.hpp>
#include <fstage/flow/mock_invoker.hpp>

namespace fstage::flow {

namespace {

std::string ranges_text(const StateMock& m) {
  std::vector<std::string> parts;
  for (const auto& r : m.ranges) {
    parts.push_back(r.str());
  }
  return join(parts, ", ");
}

std::string who(const Invocation& call, const StateMock* m) {
  std::string s = "state " + quote(call.state_id);
  if (m != nullptr && !m->ref_name.empty()) {
    s += " (action " + quote(m->ref_name) + ")";
  }
  return s;
}

}  // namespace

bool names_state(std::string_view state_id, std::string_view id) {
  if (state_id == id) {
    return true;
  }
  auto slash = state_id.rfind('/');
  return slash != std::string_view::npos && state_id.substr(slash + 1) == id;
}

const StateMock* MockInvoker::match(const Invocation& call) const {
  const StateMock* whole = nullptr;
  for (const auto& m : m_mocks) {
    if (!names_state(call.state_id, m.state_id)) {
      continue;
    }
    if (m.ref_name.empty()) {
      whole = &m;
    } else if (m.ref_name == call.ref_name) {
      return &m;
    }
  }
  return whole;
}

void MockInvoker::record(const Invocation& call, const InvocationResult& r, bool mocked) {
  std::lock_guard lock(m_mutex);
  m_calls.push_back(Call{call.state_id, call.ref_name, call.function, call.attempt, mocked,
                         r.status, r.error_type});
}

InvocationResult MockInvoker::invoke(const Invocation& call) {
  const StateMock* mock = match(call);
  if (mock == nullptr) {
    if (m_real != nullptr) {
      InvocationResult r = m_real->invoke(call);
      record(call, r, false);
      return r;
    }
    InvocationResult r;
    r.status = InvocationResult::Status::sandbox;
    r.error_message = who(call, nullptr) + " calls function " + quote(call.function) +
                      ", which has no mock and no sandbox to run in";
    {
      std::lock_guard lock(m_mutex);
      m_problems.push_back(r.error_message);
    }
    record(call, r, false);
    return r;
  }
  for (const auto& range : mock->ranges) {
    if (!range.covers(call.attempt)) {
      continue;
    }
    InvocationResult r;
    r.mocked = true;
    r.request_id = "mock-" + call.state_id + "-" + std::to_string(call.attempt);
    if (range.answer.is_error) {
      r.status = InvocationResult::Status::function_error;
      r.error_type = range.answer.error_type;
      r.error_message = range.answer.error_message;
    } else {
      r.output = range.answer.result.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    }
    record(call, r, true);
    return r;
  }
  // Answering with another attempt's mock (or the function) would hide a retry the test did
  // not foresee: the run stops and says which attempt to add.
  InvocationResult r;
  r.status = InvocationResult::Status::sandbox;
  r.mocked = true;
  r.error_message = who(call, mock) + " was called for attempt " + std::to_string(call.attempt) +
                    ", which its mocks (" + ranges_text(*mock) + ", at " + mock->where.str() +
                    ") do not answer; add \"" + std::to_string(call.attempt) +
                    "\" or an open range such as \"" + std::to_string(call.attempt) + "-\"";
  {
    std::lock_guard lock(m_mutex);
    m_problems.push_back(r.error_message);
  }
  record(call, r, true);
  return r;
}

std::vector<MockInvoker::Call> MockInvoker::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

std::vector<std::string> MockInvoker::problems() const {
  std::lock_guard lock(m_mutex);
  return m_problems;
}

}  // namespace fstage::flow
