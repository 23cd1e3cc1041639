// SPDX-License-Identifier: Apache-2.0
// The engine's Invoker on the gateway's pools (flows.hpp). The mapping of a sandbox result to
// the engine's is the one `fstage flow run` uses (cli/commands/flow_invoker.cpp), repeated
// here because serve/ does not depend on the command line.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <poll.h>

#include <fstage/base/json_text.hpp>
#include <fstage/serve/flows.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;
using flow::InvocationResult;

namespace {

// {"errorMessage","errorType",...} of a failed invocation; other text is the message itself.
void read_error_body(const std::string& body, InvocationResult& out, std::string_view fallback) {
  OrderedJson j = OrderedJson::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    auto text = [&j](const char* key) {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) {
        return std::string();
      }
      return it->is_string() ? it->get<std::string>() : json_text(*it);
    };
    out.error_type = text("errorType");
    out.error_message = text("errorMessage");
  } else {
    out.error_message = body;
  }
  if (out.error_type.empty()) {
    out.error_type = std::string(fallback);
  }
}

bool readable(int fd) {
  if (fd < 0) {
    return false;
  }
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
}

InvocationResult cancelled_result(const std::string& id) {
  InvocationResult r;
  r.status = InvocationResult::Status::cancelled;
  r.error_type = "Cancelled";
  r.error_message = "the flow was cancelled";
  r.request_id = id;
  return r;
}

}  // namespace

InvocationResult to_flow_result(const sb::InvokeResult& r) {
  InvocationResult out;
  out.request_id = r.request_id;
  out.duration_ms = r.duration_ms;
  out.init_duration_ms = r.cold ? r.init_duration_ms : 0;
  switch (r.status) {
    case sb::InvokeStatus::ok:
      out.status = InvocationResult::Status::ok;
      out.output = r.result;
      return out;
    case sb::InvokeStatus::function_error:
      out.status = InvocationResult::Status::function_error;
      read_error_body(r.error, out, flow::k_error_function);
      return out;
    case sb::InvokeStatus::timeout:
      out.status = InvocationResult::Status::timeout;
      read_error_body(r.error, out, flow::k_error_timeout);
      return out;
    case sb::InvokeStatus::oom:
      out.status = InvocationResult::Status::oom;
      read_error_body(r.error, out, flow::k_error_oom);
      return out;
    case sb::InvokeStatus::killed:
      out.status = InvocationResult::Status::crash;
      read_error_body(r.error, out, flow::k_error_crash);
      return out;
    case sb::InvokeStatus::cancelled:
      out.status = InvocationResult::Status::cancelled;
      read_error_body(r.error, out, "Cancelled");
      return out;
    case sb::InvokeStatus::sandbox_error:
      break;
  }
  out.status = InvocationResult::Status::sandbox;
  read_error_body(r.error, out, flow::k_error_sandbox);
  return out;
}

InvocationResult PoolInvoker::invoke(const flow::Invocation& call) {
  std::string id = sb::new_request_id();
  if (readable(m_cancel_fd)) {
    return cancelled_result(id);
  }
  std::shared_ptr<FunctionPool> pool = m_lookup(call.function);
  if (!pool) {
    InvocationResult r;
    r.status = InvocationResult::Status::sandbox;
    r.error_type = std::string(flow::k_error_sandbox);
    r.error_message = "fstage serve has no function " + call.function;
    return r;
  }
  struct Waiter {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    sb::InvokeResult result;
  };
  auto w = std::make_shared<Waiter>();
  sb::InvokeRequest req;
  req.request_id = id;
  req.event = call.event;
  req.headers = call.headers;
  bool queued = pool->submit(std::move(req), [w](sb::InvokeResult r) {
    {
      std::lock_guard<std::mutex> lock(w->mutex);
      w->result = std::move(r);
      w->done = true;
    }
    w->cv.notify_one();
  });
  if (!queued) {
    InvocationResult r;
    r.status = InvocationResult::Status::sandbox;
    r.error_type = std::string(flow::k_error_sandbox);
    r.error_message = "every instance of " + call.function +
                      " is busy and its queue is full, or serve is shutting down";
    r.request_id = id;
    return r;
  }
  std::unique_lock<std::mutex> lock(w->mutex);
  // The pool calls back on its worker; the run's cancel (terminate) and the call's stop are
  // looked at between short waits, since the pool has no descriptor to wait on beside them.
  while (!w->cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return w->done; })) {
    if (readable(m_cancel_fd) || readable(call.stop_fd)) {
      // Stops the function on its instance (the sandbox killed); its late answer goes to `w`,
      // which the pool's callback keeps alive.
      lock.unlock();
      pool->cancel_request(id);
      return cancelled_result(id);
    }
  }
  InvocationResult out = to_flow_result(w->result);
  if (out.request_id.empty()) {
    out.request_id = id;
  }
  return out;
}

}  // namespace fstage::serve

namespace fstage::serve {

InvocationResult PoolInvoker::await_callback(const flow::Invocation& call) {
  auto run = call.headers.find("X-Cff-Workflow-Run-Id");
  if (m_callbacks == nullptr || run == call.headers.end()) {
    return flow::Invoker::await_callback(call);
  }
  return m_callbacks->wait(run->second, call.state_id, m_cancel_fd, call.stop_fd);
}

}  // namespace fstage::serve
