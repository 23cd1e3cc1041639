// SPDX-License-Identifier: Apache-2.0
// Starting a runner's instance (runner_impl.hpp): the channel, the ports, the debug forwarder,
// the sandbox, the runtime's load and initializer, and the initializer's retries.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/sandbox/function.hpp>

#include "debug_session.hpp"
#include "go_rpc.hpp"
#include "http_function.hpp"
#include "launch.hpp"
#include "loopback.hpp"
#include "output_split.hpp"
#include "runner_impl.hpp"
#include "runtime_api.hpp"
#include "transport.hpp"
#include <netinet/in.h>
#include <sys/socket.h>

namespace fstage::sandbox {

using namespace detail;

bool FunctionRunner::Impl::start(InvokeResult& r, std::string& logs) {
  auto t0 = Clock::now();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    r.status = InvokeStatus::sandbox_error;
    r.error = error_body("SandboxError", std::string("socketpair: ") + std::strerror(errno));
    return false;
  }
  SandboxConfig cfg;
  cfg.argv = launch.argv;
  cfg.env = launch.env;
  cfg.files = launch.files;
  cfg.binds = launch.binds;
  cfg.code_dir = spec.code_dir;
  cfg.limits = options.limits;
  cfg.limits.memory_mb = spec.memory_mb;
  cfg.network_host = options.network_host;
  cfg.runtime_fd = sv[1];
  cfg.merge_output = true;  // one log stream, and one end marker to write and look for
  int host_listener = -1;
  cfg.links = launch.links;
  cfg.masks = launch.masks;
  if (launch.protocol == Protocol::http_function) {
    cfg.runtime_fd = -1;
    // On the host's network the function's server must get the host's port 8000: when
    // something holds it, the function could not listen, or fstage would talk to that
    // something instead. Say so before starting anything.
    if ((!caps.namespaces || options.network_host) && port_taken(k_http_function_port)) {
      ::close(sv[0]);
      ::close(sv[1]);
      r.status = InvokeStatus::sandbox_error;
      r.error = error_body(
          "SandboxError",
          "port " + std::to_string(k_http_function_port) +
              " on this host is in use: an HTTP function on the host's network (" +
              (options.network_host ? std::string("--network host")
                                    : std::string("no network namespace here")) +
              ") must listen there (stop what holds it: ss -ltnp 'sport = :8000'; another "
              "instance of a function counts)");
      return false;
    }
  }
  int go_port = k_runtime_api_port;
  if (launch.protocol == Protocol::go_rpc) {
    cfg.runtime_fd = -1;
    if (!caps.namespaces || options.network_host) {
      // Shared network: pick a free port for the function to listen on.
      int probe = listen_loopback(go_port);
      if (probe >= 0) {
        ::close(probe);
      }
      for (auto& e : cfg.env) {
        if (e.starts_with("RUNTIME_API_ADDR=")) {
          e = "RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(go_port);
        }
      }
    }
  }
  if (launch.protocol == Protocol::runtime_api) {
    cfg.runtime_fd = -1;
    if (caps.namespaces && !options.network_host) {
      cfg.api_port = k_runtime_api_port;  // private loopback: the fixed port is free
    } else {
      // Shared network: listen on a free host port and tell the runtime which.
      int port = 0;
      host_listener = listen_loopback(port);
      for (auto& e : cfg.env) {
        if (e.starts_with("RUNTIME_API_ADDR=")) {
          e = "RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(port);
        }
      }
    }
  }
  // A debug session's port: forwarded into the sandbox's own network, or, when it shares the
  // host's, the debugger's own listener.
  std::unique_ptr<DebugForwarder> forward;
  if (options.debug.port > 0 && caps.namespaces && !options.network_host) {
    auto f = DebugForwarder::listen(options.debug.port);
    if (!f) {
      r.status = InvokeStatus::sandbox_error;
      r.error = error_body("SandboxError", f.error().message + " (" + f.error().hint + ")");
      ::close(sv[0]);
      ::close(sv[1]);
      return false;
    }
    forward = std::move(*f);
  }
  auto box = Sandbox::spawn(cfg, caps);
  ::close(sv[1]);
  if (!box) {
    ::close(sv[0]);
    if (host_listener >= 0) {
      ::close(host_listener);
    }
    r.status = InvokeStatus::sandbox_error;
    r.isolation = planned_isolation(caps);  // the tier it failed in, not a default
    Error e = box.error();
    r.error = error_body("SandboxError", e.message + (e.hint.empty() ? "" : " (" + e.hint + ")"));
    return false;
  }
  std::unique_ptr<Transport> transport;
  if (launch.protocol == Protocol::runtime_api) {
    ::close(sv[0]);
    int listener = host_listener >= 0 ? host_listener : (*box)->take_api_listener();
    transport = std::make_unique<RuntimeApiTransport>(listener);
  } else if (launch.protocol == Protocol::go_rpc) {
    ::close(sv[0]);
    Sandbox* raw = box->get();
    transport =
        std::make_unique<GoRpcTransport>([raw, go_port] { return raw->connect_inside(go_port); });
  } else if (launch.protocol == Protocol::http_function) {
    ::close(sv[0]);
    Sandbox* raw = box->get();
    transport = std::make_unique<HttpFunctionTransport>(
        [raw] { return raw->connect_inside(k_http_function_port); }, spec);
  } else {
    transport = std::make_unique<FramedTransport>(sv[0]);
  }
  transport->announce_init(init_id.empty() ? new_request_id() : init_id);
  instance.emplace(
      Instance{std::move(*box), std::move(transport), launch.argv.front(), std::move(forward)});
  if (options.debug.port > 0 && options.debug.on_listening) {
    options.debug.on_listening(detail::debug_listening_line(
        *debugger_for(spec.runtime.language), options.debug,
        caps.namespaces ? std::string(k_code_root)
                        : std::filesystem::absolute(spec.code_dir).string()));
  }
  r.isolation = instance->box->isolation();
  // Interpreter start and import are not billed against any timeout on the platform; give
  // them the function's timeout and a fixed allowance. The initializer then gets exactly
  // initializer_timeout, counted from the shim's init_start (there is no grace: a 5 s
  // initializer fails a 2 s limit).
  auto deadline = deadline_after(t0, std::chrono::seconds(spec.timeout_s + k_load_allowance_s));
  bool initializing = false;
  std::optional<Reply> reply;
  Wait w = pump(*instance, deadline, reply, logs);
  while (w == Wait::reply && reply->kind == Reply::init_start && !initializing) {
    initializing = true;
    deadline = deadline_after(Clock::now(), std::chrono::seconds(spec.initializer_timeout));
    w = pump(*instance, deadline, reply, logs);
  }
  r.init_duration_ms = ms_since(t0);
  if (w == Wait::reply && reply->kind == Reply::ready) {
    return true;
  }
  initializer_failed = initializing && w != Wait::cancelled;
  if (w == Wait::cancelled) {
    set_cancelled(r);
  } else if (w == Wait::reply && reply->kind == Reply::init_error) {
    r.status = InvokeStatus::function_error;
    r.error = reply->body;
  } else if (w == Wait::deadline) {
    instance->box->kill(KillReason::timeout);
    r.status = InvokeStatus::timeout;
    r.error = initializing ? error_body("InitializerTimeout",
                                        "initialization timed out after " +
                                            std::to_string(spec.initializer_timeout) + " seconds")
                           : error_body("InitializerTimeout",
                                        "the runtime did not load the function within " +
                                            std::to_string(spec.timeout_s + k_load_allowance_s) +
                                            " seconds");
  } else {
    classify_death(*instance, r);
  }
  drain_output(*instance, logs);
  r.max_memory_bytes = instance->box->peak_memory_bytes();
  r.memory_source = std::string(instance->box->memory_source());
  discard();
  return false;
}

bool FunctionRunner::Impl::start_retrying(InvokeResult& r, std::string& logs) {
  for (int retry = 0;; ++retry) {
    initializer_failed = false;
    if (start(r, logs)) {
      return true;
    }
    if (!initializer_failed || retry == k_initializer_retries) {
      return false;
    }
    std::string line = "fstage: the initializer failed on instance " + std::to_string(retry + 1) +
                       "; retrying on a new instance (retry " + std::to_string(retry + 1) + " of " +
                       std::to_string(k_initializer_retries) + ")\n";
    out.emit(logs, line);
    InvokeResult fresh;
    fresh.request_id = r.request_id;
    fresh.memory_size_mb = r.memory_size_mb;
    fresh.warnings = std::move(r.warnings);
    fresh.cold = true;
    r = std::move(fresh);
  }
}

}  // namespace fstage::sandbox
