// SPDX-License-Identifier: Apache-2.0
// The gateway's side of the event sources: how their events reach the pools. OBS and SMN
// events go through Deliver, which submits to the pool and does not wait (the platform
// invokes them asynchronously; the async invoker takes this seam over). Streams submit their
// batches themselves and wait for each result.
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

namespace {

// The access line of an event-source invocation: method is the source ("OBS", "KAFKA", ...).
std::function<void(sb::InvokeResult)> logged(Logger* log, std::string method, std::string function,
                                             std::string id, std::string source,
                                             std::function<void(sb::InvokeResult)> then) {
  auto t0 = std::chrono::steady_clock::now();
  return [=, then = std::move(then)](sb::InvokeResult r) {
    AccessRecord a;
    a.method = method;
    a.path = function;
    a.status = r.status == sb::InvokeStatus::ok ? 200 : response_for(r).status;
    a.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    a.request_id = id;
    a.function = function;
    a.bytes = r.status == sb::InvokeStatus::ok ? r.result.size() : r.error.size();
    a.source = source;
    if (r.status != sb::InvokeStatus::ok && r.status != sb::InvokeStatus::cancelled) {
      for (const auto& line : error_log_lines(r)) {
        log->function_line(function, id, line);
      }
    }
    log->access(a);
    if (then) {
      then(std::move(r));
    }
  };
}

}  // namespace

Expected<void> Gateway::start_sources(const Project& p) {
  if (!m_sources) {
    EventSourceOptions o;
    o.root = p.manifest.root;
    o.log = [this](std::string_view level, const std::string& message) {
      m_log.event(std::string(level), message);
    };
    o.md5_file = [](const fs::path& file) { return deploy::md5_file_hex(file); };
    o.deliver = [this](const std::string& function, std::string event,
                       const std::string& source) -> Expected<std::string> {
      auto project = snapshot();
      auto it = project->pools.find(function);
      if (it == project->pools.end()) {
        return fail(ErrorCode::not_found, "no function " + quote(function));
      }
      sb::InvokeRequest ir;
      ir.request_id = sb::new_request_id();
      ir.event = std::move(event);
      std::string id = ir.request_id;
      std::string method = source;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (!it->second->submit(std::move(ir), logged(&m_log, method, function, id, source, {}))) {
        return fail(ErrorCode::limit,
                    quote(function) + " is busy and its queue is full (--queue " +
                        std::to_string(m_opts.pool.queue) + ")",
                    "emit again in a moment, or serve with a larger --queue");
      }
      return id;
    };
    o.invoke = [this](const std::string& function, std::string event,
                      std::function<void(sb::InvokeResult)> done) {
      auto project = snapshot();
      auto it = project->pools.find(function);
      if (it == project->pools.end()) {
        return false;
      }
      sb::InvokeRequest ir;
      ir.request_id = sb::new_request_id();
      ir.event = std::move(event);
      std::string id = ir.request_id;
      return it->second->submit(std::move(ir),
                                logged(&m_log, "STREAM", function, id, "stream", std::move(done)));
    };
    m_sources = std::make_unique<EventSources>(std::move(o));
  }
  return m_sources->configure(p.manifest);
}

}  // namespace fstage::serve::detail
