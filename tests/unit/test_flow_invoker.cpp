// SPDX-License-Identifier: Apache-2.0
// The Invoker `fstage flow run` gives the engine: sandbox results mapped to the flow's, the
// workflow headers reaching the function's Context, one warm instance serving every state,
// parallel calls on instances of their own, logs tagged by state, and cancellation.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/serve/flows.hpp>

#include "../../cli/commands/flow_invoker.hpp"
#include "go_rpc.hpp"
#include "test_support.hpp"

using namespace fstage;
using namespace std::chrono_literals;
namespace sb = fstage::sandbox;
using Status = flow::InvocationResult::Status;

namespace {

sb::InvokeResult failed(sb::InvokeStatus status, const std::string& type, const std::string& msg) {
  sb::InvokeResult r;
  r.status = status;
  r.request_id = "req-1";
  r.error = sb::error_body(type, msg);
  r.duration_ms = 12.5;
  return r;
}

bool own_cgroups_left() {
  return test::sh("find /sys/fs/cgroup -maxdepth 8 -type d -name 'fstage-" +
                  std::to_string(::getpid()) + "-*' 2>/dev/null | grep -q .") == 0;
}

// A Python function that answers with what its Context says and which instance it ran in.
// A PID namespace gives every instance the same pid: a token drawn at import tells them apart.
const char* k_handler = R"(import os, time, json

INSTANCE = os.urandom(8).hex()

def handler(event, context):
    print("called", event.get("n"), flush=True)
    if event.get("fail"):
        raise ValueError("bad input")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"wf": context.getWorkflowID(), "run": context.getWorkflowRunID(),
            "state": context.getWorkflowStateID(), "instance": INSTANCE, "n": event.get("n")}
)";

struct PythonFunction {
  test::Scratch scratch;
  std::map<std::string, sb::FunctionSpec> specs;
  sb::RunnerOptions ro;
  PythonFunction() {
    ::chmod(scratch.path().c_str(), 0755);  // the sandbox's user may differ
    REQUIRE(write_file_atomic(scratch.path() / "index.py", k_handler));
    sb::FunctionSpec spec;
    spec.name = "who";
    spec.runtime = manifest::resolve_runtime("Python3.10").value();
    spec.handler = "index.handler";
    spec.timeout_s = 30;
    spec.code_dir = scratch.path();
    specs["who"] = spec;
    ro.host_env = {{"PATH", "/usr/bin:/bin"}, {"FSTAGE_PYTHON", "/usr/bin/python3"}};
    ro.warn_version_mismatch = false;
  }
};

flow::Invocation call(const std::string& state, int n, int attempt = 0) {
  flow::Invocation c;
  c.function = "who";
  c.ref_name = "who_ref";
  c.state_id = state;
  c.attempt = attempt;
  c.event = "{\"n\": " + std::to_string(n) + "}";
  c.headers = {{"X-Cff-Workflow-Id", "wf-1"},
               {"X-Cff-Workflow-Run-Id", "run-1"},
               {"X-Cff-Workflow-State-Id", state}};
  return c;
}

}  // namespace

TEST_CASE("flow invoker: sandbox results become the flow's", "[flow][invoker]") {
  sb::InvokeResult ok;
  ok.status = sb::InvokeStatus::ok;
  ok.request_id = "req-0";
  ok.result = R"({"a":1})";
  ok.cold = true;
  ok.init_duration_ms = 40;
  ok.duration_ms = 2;
  auto r = serve::to_flow_result(ok);
  CHECK(r.status == Status::ok);
  CHECK(r.output == R"({"a":1})");
  CHECK(r.request_id == "req-0");
  CHECK(r.init_duration_ms == 40);
  CHECK(r.duration_ms == 2);
  ok.cold = false;
  CHECK(serve::to_flow_result(ok).init_duration_ms == 0);

  struct Case {
    sb::InvokeStatus in;
    std::string type;
    Status out;
  };
  for (const auto& c :
       {Case{sb::InvokeStatus::function_error, "ValueError", Status::function_error},
        Case{sb::InvokeStatus::timeout, "FunctionTimeout", Status::timeout},
        Case{sb::InvokeStatus::oom, "OutOfMemory", Status::oom},
        Case{sb::InvokeStatus::killed, "RuntimeExited", Status::crash},
        Case{sb::InvokeStatus::killed, "RuntimeKilled", Status::crash},
        Case{sb::InvokeStatus::sandbox_error, "SandboxError", Status::sandbox},
        Case{sb::InvokeStatus::cancelled, "Cancelled", Status::cancelled}}) {
    auto m = serve::to_flow_result(failed(c.in, c.type, "what happened"));
    CHECK(m.status == c.out);
    CHECK(m.error_type == c.type);
    CHECK(m.error_message == "what happened");
    CHECK(m.request_id == "req-1");
    CHECK(m.duration_ms == 12.5);
    CHECK(m.output.empty());
  }
  // A body that is not the platform's JSON: the message is the body, the type the status's.
  sb::InvokeResult odd;
  odd.status = sb::InvokeStatus::timeout;
  odd.error = "not json";
  auto m = serve::to_flow_result(odd);
  CHECK(m.error_type == "FunctionTimeout");
  CHECK(m.error_message == "not json");
}

TEST_CASE("flow invoker: the functions a flow calls, nested ones too", "[flow][invoker]") {
  auto decl = [](const char* name, const char* operation, const char* local) {
    flow::FunctionDecl d;
    d.name = name;
    d.operation = operation;
    d.local = local;
    return d;
  };
  auto action = [](const char* ref) {
    flow::Action a;
    a.ref_name = ref;
    return a;
  };
  flow::Definition def;
  def.functions = {decl("a_ref", "urn:fss:cn-north-4:p:function:default:alpha:latest", "alpha"),
                   decl("b_ref", "beta", "beta"), decl("c_ref", "gamma", "gamma")};
  flow::State s1;
  s1.id = "one";
  s1.actions = {action("b_ref"), action("a_ref"), action("b_ref")};
  flow::State par;
  par.id = "par";
  par.type = flow::StateType::parallel;
  flow::State inner;
  inner.id = "inner";
  inner.actions = {action("c_ref")};
  flow::Subflow branch;
  branch.start = "inner";
  branch.states = {inner};
  par.branches.push_back(branch);
  def.states = {s1, par};
  CHECK(cli::functions_called(def) == std::vector<std::string>{"beta", "alpha", "gamma"});
  CHECK(cli::functions_called(def, "par") == std::vector<std::string>{"gamma"});
  CHECK(cli::functions_called(def, "nope").empty());
}

TEST_CASE("flow invoker: one warm instance serves every state, headers reach the Context",
          "[flow][invoker][sandbox]") {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("no /usr/bin/python3: skipped");
    return;
  }
  PythonFunction f;
  std::mutex m;
  std::vector<std::string> lines;
  cli::FlowInvokerOptions o;
  o.concurrency = 3;
  o.on_log_line = [&](std::string_view l) {
    std::lock_guard<std::mutex> lock(m);
    lines.emplace_back(l);
  };
  auto inv = cli::FlowInvoker::create(f.specs, f.ro, sb::probe(), o);
  REQUIRE(inv);
  auto& invoker = **inv;

  auto a = invoker.invoke(call("first", 1));
  REQUIRE(a.status == Status::ok);
  auto b = invoker.invoke(call("second", 2, 1));
  REQUIRE(b.status == Status::ok);
  Json ja = Json::parse(a.output);
  Json jb = Json::parse(b.output);
  CHECK(ja["wf"] == "wf-1");
  CHECK(ja["run"] == "run-1");
  CHECK(ja["state"] == "first");
  CHECK(jb["state"] == "second");
  CHECK(ja["instance"] == jb["instance"]);  // the same warm instance
  CHECK(a.init_duration_ms > 0);
  CHECK(b.init_duration_ms == 0);
  CHECK(invoker.instances_started() == 1);
  CHECK_FALSE(a.request_id.empty());
  CHECK(a.request_id != b.request_id);
  {
    std::lock_guard<std::mutex> lock(m);
    CHECK(std::find(lines.begin(), lines.end(), "[first who#1] called 1") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), "[second who#2] called 2") != lines.end());
  }

  // Back to back, each call made the moment the last one answered: still the one instance
  // (the pool counts it idle before its caller hears back).
  for (int i = 0; i < 20; ++i) {
    auto r = invoker.invoke(call("s" + std::to_string(i), i));
    REQUIRE(r.status == Status::ok);
    CHECK(Json::parse(r.output)["instance"] == ja["instance"]);
  }
  CHECK(invoker.instances_started() == 1);

  // A function error keeps the function's own errorType.
  auto bad = call("third", 3);
  bad.event = R"({"fail": true})";
  auto e = invoker.invoke(bad);
  CHECK(e.status == Status::function_error);
  CHECK(e.error_type == "ValueError");
  CHECK(e.error_message.find("bad input") != std::string::npos);

  // Calls at the same moment get instances of their own, up to the concurrency.
  std::vector<flow::InvocationResult> par(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      auto c = call("par" + std::to_string(i), 10 + i);
      c.event = "{\"n\": " + std::to_string(10 + i) + ", \"sleep\": 0.5}";
      par[static_cast<std::size_t>(i)] = invoker.invoke(c);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<std::string> instances;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(par[static_cast<std::size_t>(i)].status == Status::ok);
    Json j = Json::parse(par[static_cast<std::size_t>(i)].output);
    CHECK(j["state"] == "par" + std::to_string(i));
    instances.insert(j["instance"].get<std::string>());
  }
  CHECK(instances.size() == 3);
  CHECK(invoker.instances_started() == 3);
  invoker.shutdown();
  CHECK_FALSE(own_cgroups_left());
}

TEST_CASE("flow invoker: cancel stops a running call at once and starts nothing after",
          "[flow][invoker][sandbox][interrupt]") {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("no /usr/bin/python3: skipped");
    return;
  }
  PythonFunction f;
  CancelFlag cancel;
  cli::FlowInvokerOptions o;
  o.cancel_fd = cancel.fd();
  auto inv = cli::FlowInvoker::create(f.specs, f.ro, sb::probe(), o);
  REQUIRE(inv);
  auto slow = call("slow", 1);
  slow.event = R"({"sleep": 30})";
  std::thread raiser([&] {
    std::this_thread::sleep_for(1500ms);
    cancel.raise();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = (*inv)->invoke(slow);
  raiser.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  CHECK(r.status == Status::cancelled);
  CHECK((*inv)->invoke(call("later", 2)).status == Status::cancelled);
  (*inv)->shutdown();
  CHECK_FALSE(own_cgroups_left());
}

TEST_CASE("go transport: request header names arrive as Go's net/http gives them",
          "[flow][sandbox][go]") {
  using sb::detail::canonical_header_key;
  CHECK(canonical_header_key("X-Cff-Workflow-Run-Id") == "X-Cff-Workflow-Run-Id");
  CHECK(canonical_header_key("x-cff-workflow-state-id") == "X-Cff-Workflow-State-Id");
  CHECK(canonical_header_key("X-CFF-WORKFLOW-ID") == "X-Cff-Workflow-Id");
  CHECK(canonical_header_key("x-tenant") == "X-Tenant");
  CHECK(canonical_header_key("content-type") == "Content-Type");
  CHECK(canonical_header_key("bad key") == "bad key");  // not a token: left as it is
  CHECK(canonical_header_key("") == "");
}
