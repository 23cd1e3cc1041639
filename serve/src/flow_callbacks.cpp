// SPDX-License-Identifier: Apache-2.0
// Waiting for workflow callbacks (flow_callbacks.hpp): each waiter has an eventfd that
// deliver() signals, polled together with the run's cancel descriptor and the call's stop
// descriptor, so terminate, Ctrl-C and a lost Parallel race end the wait as they end a call.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/flow_callbacks.hpp>
#include <fstage/serve/flows.hpp>

#include <sys/eventfd.h>

namespace fstage::serve {

using flow::InvocationResult;

struct CallbackBoard::Waiter {
  int fd = -1;
  std::optional<InvocationResult> result;  // set under the board's mutex
  Waiter() : fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~Waiter() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
};

InvocationResult CallbackBoard::wait(const std::string& execution_id, const std::string& state_id,
                                     int cancel_fd, int stop_fd) {
  auto waiter = std::make_shared<Waiter>();
  const auto key = std::make_pair(execution_id, state_id);
  if (waiter->fd < 0) {
    InvocationResult r;
    r.status = InvocationResult::Status::sandbox;
    r.error_message = Error::from_errno("eventfd", "a callback's wait", errno).message;
    return r;
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_waiting[key].push_back(waiter);
  }
  pollfd fds[3] = {{waiter->fd, POLLIN, 0}, {cancel_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 3, -1);  // a negative fd is ignored by poll
    if (n < 0 && errno == EINTR) {
      continue;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (waiter->result) {
      return std::move(*waiter->result);
    }
    if (n < 0 || (fds[1].revents & (POLLIN | POLLHUP)) != 0 ||
        (fds[2].revents & (POLLIN | POLLHUP)) != 0) {
      auto& queue = m_waiting[key];
      std::erase(queue, waiter);
      if (queue.empty()) {
        m_waiting.erase(key);
      }
      InvocationResult r;
      r.status = InvocationResult::Status::cancelled;
      r.error_type = "Cancelled";
      r.error_message = "the flow was cancelled while state " + state_id + " waited for a callback";
      return r;
    }
  }
}

bool CallbackBoard::deliver(const std::string& execution_id, const std::string& state_id,
                            InvocationResult result) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_waiting.find(std::make_pair(execution_id, state_id));
  if (it == m_waiting.end() || it->second.empty()) {
    return false;
  }
  std::shared_ptr<Waiter> w = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) {
    m_waiting.erase(it);
  }
  w->result = std::move(result);
  std::uint64_t one = 1;
  // An eventfd write of 1 cannot block or fail short of overflow, which one write cannot reach.
  [[maybe_unused]] auto written = ::write(w->fd, &one, sizeof(one));
  return true;
}

Expected<InvocationResult> read_callback_body(const std::string& body) {
  OrderedJson j = OrderedJson::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::invalid_input,
                "the body must be a JSON object {result: success|fail, error?, output}");
  }
  static constexpr std::string_view known[] = {"result", "error", "output"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(known), std::end(known), key) == std::end(known)) {
      return fail(ErrorCode::invalid_input,
                  "unknown field " + quote(key) + " in the callback body (result, error, output)");
    }
  }
  auto result = j.find("result");
  if (result == j.end() || !result->is_string() || (*result != "success" && *result != "fail")) {
    return fail(ErrorCode::invalid_input, "result must be \"success\" or \"fail\"");
  }
  auto error = j.find("error");
  if (error != j.end() && !error->is_null() && !error->is_string()) {
    return fail(ErrorCode::invalid_input, "error must be a string");
  }
  InvocationResult r;
  if (*result == "success") {
    auto output = j.find("output");
    r.output = output == j.end() ? "{}" : output->dump();
    return r;
  }
  r.status = InvocationResult::Status::function_error;
  r.error_type = std::string(flow::k_error_callback);
  r.error_message = error != j.end() && error->is_string() ? error->get<std::string>()
                                                           : std::string("the callback failed");
  return r;
}

HttpResponseData answer_callback(CallbackBoard& board, const HttpRequestData& request,
                                 const std::string& flow_name, bool known_execution) {
  const std::string* run = find_header(request, "x-workflow-run-id");
  const std::string* state = find_header(request, "x-workflow-state-id");
  const std::string run_id = run != nullptr ? *run : std::string();
  const std::string state_id = state != nullptr ? *state : std::string();
  if (run_id.empty() || state_id.empty()) {
    return flow_api_error(400, "FSS.0400",
                          "a callback needs the headers X-Workflow-Run-Id (the execution) and "
                          "X-Workflow-State-Id (the waiting state)");
  }
  if (!known_execution) {
    return flow_api_error(404, "FSS.1053",
                          "execution " + run_id + " of " + flow_name + " not found");
  }
  auto result = read_callback_body(request.body);
  if (!result) {
    return flow_api_error(400, "FSS.0400", result.error().message);
  }
  if (!board.deliver(run_id, state_id, std::move(*result))) {
    return flow_api_error(400, "FSS.0400",
                          "state " + state_id + " of execution " + run_id +
                              " is not waiting for a callback (only an action with "
                              "invoke_mode: callback waits, once its function has returned)");
  }
  OrderedJson j;
  j["execution_id"] = run_id;
  return json_response(200, j);
}

}  // namespace fstage::serve
