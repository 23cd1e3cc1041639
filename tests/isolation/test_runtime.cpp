// SPDX-License-Identifier: Apache-2.0
// W1–W5: warm runtime instances through FunctionRunner (SANDBOX.md §5), with the Python and
// Node.js shims and the fixture functions in tests/fixtures/functions.
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/sandbox/triggers.hpp>

#include "harness.hpp"

namespace sb = fstage::sandbox;
using fstage::Json;

namespace {

std::unique_ptr<sb::FunctionRunner> runner(const std::string& runtime, const std::string& handler,
                                           int timeout = 3, std::string initializer = {}) {
  sb::FunctionSpec spec;
  spec.name = "fixture";
  spec.runtime = *fstage::manifest::resolve_runtime(runtime);
  spec.handler = handler;
  spec.initializer = std::move(initializer);
  spec.timeout_s = timeout;
  spec.memory_mb = 128;
  bool node = spec.runtime.language == fstage::manifest::Language::nodejs;
  spec.code_dir =
      std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/" + (node ? "nodejs" : "python");
  spec.env = {{"greeting", "hi"},
              {"WITH_EQUALS", "a=b=c"},
              {"LANG", "en_US.UTF-8"},
              {"RUNTIME_FUNC_NAME", "override-attempt"}};
  sb::RunnerOptions o;
  if (const char* p = std::getenv("PATH")) {
    o.host_env["PATH"] = p;
  }
  auto r = sb::FunctionRunner::create(spec, o, iso::caps());
  REQUIRE(r);
  return std::move(*r);
}

Json json_of(const std::string& s) {
  return Json::parse(s, nullptr, false);
}

}  // namespace

TEST_CASE("W1 two invocations share one instance; init runs once", "[runtime]") {
  for (const char* rt : {"Python3.10", "Node.js18.15"}) {
    bool node = std::string(rt).starts_with("Node");
    NEED(node ? "node" : "python");
    auto fn = runner(rt, "index.counter", 3, node ? "index.initializer" : "index.init");
    auto a = fn->invoke({});
    INFO(rt << " " << a.error << a.logs);
    REQUIRE(a.status == sb::InvokeStatus::ok);
    CHECK(a.cold);
    CHECK(a.init_duration_ms > 0);
    CHECK(a.logs.find("initializer ran") != std::string::npos);
    auto b = fn->invoke({});
    REQUIRE(b.status == sb::InvokeStatus::ok);
    CHECK_FALSE(b.cold);
    CHECK(b.init_duration_ms == 0);
    auto ja = json_of(a.result);
    auto jb = json_of(b.result);
    CHECK(jb["init_calls"] == 1);
    CHECK(jb["invocations"] == 2);
    CHECK(ja["pid"] == jb["pid"]);
    CHECK(b.max_memory_bytes > (1u << 20));
  }
}

TEST_CASE("W2 a timeout discards the instance and the next invocation starts cold", "[runtime]") {
  NEED("python");
  auto fn = runner("Python3.10", "index.sleep", 1);
  sb::InvokeRequest slow;
  slow.event = R"({"seconds": 30})";
  auto t = fn->invoke(slow);
  CHECK(t.status == sb::InvokeStatus::timeout);
  CHECK(t.error.find("timed out after 1 seconds") != std::string::npos);
  CHECK(t.duration_ms < 4000);
  CHECK_FALSE(fn->warm());
  sb::InvokeRequest quick;
  quick.event = R"({"seconds": 0})";
  auto ok = fn->invoke(quick);
  CHECK(ok.status == sb::InvokeStatus::ok);
  CHECK(ok.cold);
  CHECK(ok.result == "slept");
}

TEST_CASE("W3 a handler exception returns the platform's error shape", "[runtime]") {
  for (const char* rt : {"Python3.10", "Node.js18.15"}) {
    bool node = std::string(rt).starts_with("Node");
    NEED(node ? "node" : "python");
    auto fn = runner(rt, "index.fail");
    sb::InvokeRequest req;
    req.event = R"({"why": "testing"})";
    auto r = fn->invoke(req);
    INFO(rt << " " << r.error << r.logs);
    CHECK(r.status == sb::InvokeStatus::function_error);
    auto e = json_of(r.error);
    // The platform's prefix for an exception the handler raises (issue 17, item 9).
    CHECK(e["errorMessage"] == "function invocation exception, error: bad input: testing");
    CHECK(e["errorType"] == (node ? "TypeError" : "ValueError"));
    CHECK(e["stackTrace"].is_array());
    CHECK_FALSE(e["stackTrace"].empty());
    CHECK(fn->warm());  // an exception does not cost the instance
  }
}

TEST_CASE("W4 remaining time counts down from the timeout", "[runtime]") {
  for (const char* rt : {"Python3.10", "Node.js18.15"}) {
    bool node = std::string(rt).starts_with("Node");
    NEED(node ? "node" : "python");
    auto fn = runner(rt, "index.context_dump", 5);
    auto r = fn->invoke({});
    INFO(rt << " " << r.error << r.logs);
    REQUIRE(r.status == sb::InvokeStatus::ok);
    auto j = json_of(r.result);
    CHECK(j["remaining_ms"].get<int>() > 4000);
    CHECK(j["remaining_ms"].get<int>() <= 5000);
    CHECK(j["request_id"] == r.request_id);
    // As the platform's runtimes return them: the timeout in milliseconds, memory (MB) and
    // CPU (millicores) as strings.
    CHECK(j["running_time"] == 5000);
    CHECK(j["memory"] == "128");
    CHECK(j["cpu"] == "300");
    CHECK(j["user_data"] == "hi");
  }
}

TEST_CASE("W5 environment: values with '=', user overrides, reserved names", "[runtime]") {
  NEED("python");
  auto fn = runner("Python3.10", "index.env");
  auto r = fn->invoke({});
  INFO(r.error << r.logs);
  REQUIRE(r.status == sb::InvokeStatus::ok);
  auto j = json_of(r.result);
  CHECK(j["WITH_EQUALS"] == "a=b=c");
  CHECK(j["LANG"] == "en_US.UTF-8");           // a user value overrides a default
  CHECK(j["RUNTIME_FUNC_NAME"] == "fixture");  // but never a reserved one
  // Without a mount namespace the code stays where it is on the host.
  CHECK(j["RUNTIME_CODE_ROOT"] ==
        (iso::caps().namespaces
             ? std::string("/opt/function/code")
             : std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/python"));
  CHECK(j["RUNTIME_MAX_RESP_BODY_SIZE"] == "6291456");
  auto userdata = json_of(j["RUNTIME_USERDATA"].get<std::string>());
  CHECK(userdata["WITH_EQUALS"] == "a=b=c");
  CHECK_FALSE(r.warnings.empty());
}

TEST_CASE("W crash, OOM and oversized responses are reported", "[runtime]") {
  NEED("python");
  auto crash = runner("Python3.10", "index.crash")->invoke({});
  CHECK(crash.status == sb::InvokeStatus::killed);
  CHECK(crash.error.find("exited with status 3") != std::string::npos);
  auto hog = runner("Python3.10", "index.memhog")->invoke({});
  CHECK(hog.status == sb::InvokeStatus::oom);
  auto big = runner("Python3.10", "index.big_response")->invoke({});
  CHECK(big.status == sb::InvokeStatus::function_error);
  CHECK(big.response_too_large);
  auto broken = runner("Python3.10", "broken.handler")->invoke({});
  CHECK(broken.status == sb::InvokeStatus::function_error);
  CHECK(broken.error.find("broken at import") != std::string::npos);
}

TEST_CASE("W Node.js callback handlers and callback errors", "[runtime]") {
  NEED("node");
  sb::InvokeRequest req;
  req.event = R"({"n": 7})";
  auto cb = runner("Node.js18.15", "index.callback")->invoke(req);
  CHECK(cb.status == sb::InvokeStatus::ok);
  CHECK(json_of(cb.result)["n"] == 7);
  auto err = runner("Node.js18.15", "index.callbackError")->invoke({});
  CHECK(err.status == sb::InvokeStatus::function_error);
  CHECK(json_of(err.error)["errorMessage"] ==
        "function entry exception, error: failed through the callback");
}

TEST_CASE("W custom runtime: a shell bootstrap on the runtime API stays warm", "[runtime]") {
  NEED("curl");
  sb::FunctionSpec spec;
  spec.name = "echo";
  spec.runtime = *fstage::manifest::resolve_runtime("Custom");
  spec.handler = "bootstrap";
  spec.code_dir = std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/custom";
  auto fn = sb::FunctionRunner::create(spec, {}, iso::caps());
  REQUIRE(fn);
  sb::InvokeRequest req;
  req.event = R"({"hello": "custom"})";
  auto a = (*fn)->invoke(req);
  INFO(a.error << a.logs);
  REQUIRE(a.status == sb::InvokeStatus::ok);
  CHECK(a.cold);
  CHECK(json_of(a.result)["body"] == "event of 19 bytes");
  CHECK(json_of(a.result)["request_id"] == a.request_id);
  CHECK(a.logs.find("bootstrap: init done") != std::string::npos);
  auto b = (*fn)->invoke(req);
  CHECK(b.status == sb::InvokeStatus::ok);
  CHECK_FALSE(b.cold);
  req.event = R"({"fail": true})";
  auto c = (*fn)->invoke(req);
  CHECK(c.status == sb::InvokeStatus::function_error);
  CHECK(json_of(c.error)["errorType"] == "BootstrapError");
}

TEST_CASE("L4 a missing bootstrap is a sandbox error, not a function error", "[runtime]") {
  NEED();
  iso::TempDir code;
  sb::FunctionSpec spec;
  spec.runtime = *fstage::manifest::resolve_runtime("Custom");
  spec.handler = "bootstrap";
  spec.code_dir = code.path;
  auto fn = sb::FunctionRunner::create(spec, {}, iso::caps());
  REQUIRE(fn);
  auto r = (*fn)->invoke({});
  CHECK(r.status == sb::InvokeStatus::sandbox_error);
  CHECK(r.error.find("cannot execute /opt/function/code/bootstrap") != std::string::npos);
}

TEST_CASE("W HTTP function: the bootstrap's server on 127.0.0.1:8000 gets X-CFF headers",
          "[runtime]") {
  NEED("python");
  sb::FunctionSpec spec;
  spec.name = "web";
  spec.runtime = *fstage::manifest::resolve_runtime("http");
  spec.handler = "bootstrap";
  spec.memory_mb = 256;
  spec.timeout_s = 5;
  spec.env = {{"GREETING", "hello"}};
  spec.code_dir = std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/http";
  sb::RunnerOptions o;
  if (const char* p = std::getenv("PATH")) {
    o.host_env["PATH"] = p;
  }
  auto fn = sb::FunctionRunner::create(spec, o, iso::caps());
  REQUIRE(fn);
  if (!iso::caps().namespaces) {
    // Without a root of our own the platform's interpreter paths cannot be provided.
    return;
  }
  sb::InvokeRequest req;
  req.event = R"({"httpMethod":"POST","path":"/greet","queryStringParameters":{"a":"1 2"},)"
              R"("headers":{"content-type":"text/plain"},"body":"aGk=","isBase64Encoded":true})";
  auto a = (*fn)->invoke(req);
  INFO(a.error << a.logs);
  REQUIRE(a.status == sb::InvokeStatus::ok);
  auto j = json_of(a.result);
  CHECK(j["statusCode"] == 200);
  CHECK(j["isBase64Encoded"] == true);  // the platform's result for an HTTP function
  auto body = json_of(*sb::base64_decode(j["body"].get<std::string>()));
  CHECK(body["method"] == "POST");
  CHECK(body["path"] == "/greet?a=1%202");
  CHECK(body["body"] == "hi");
  CHECK(body["request_id"] == a.request_id);
  CHECK(body["func_name"] == "web");
  CHECK(body["memory"] == "256");
  CHECK(body["greeting"] == "hello");
  CHECK(a.logs.find("served POST /greet") != std::string::npos);
  // The server closes after each response (HTTP/1.0): the next request reconnects.
  auto b = (*fn)->invoke(req);
  CHECK(b.status == sb::InvokeStatus::ok);
  CHECK_FALSE(b.cold);
}

TEST_CASE("W Go function: runtime.Register serves net/rpc inside the sandbox", "[runtime]") {
  NEED("go");
  sb::FunctionSpec spec;
  spec.name = "gofn";
  spec.runtime = *fstage::manifest::resolve_runtime("Go1.x");
  spec.handler = "handler";
  spec.timeout_s = 5;
  spec.env = {{"greeting", "hi"}};
  spec.code_dir = std::filesystem::path(FSTAGE_GO_FIXTURE).parent_path();
  auto fn = sb::FunctionRunner::create(spec, {}, iso::caps());
  REQUIRE(fn);
  sb::InvokeRequest req;
  req.event = R"({"name": "gopher"})";
  auto a = (*fn)->invoke(req);
  INFO(a.error << a.logs);
  REQUIRE(a.status == sb::InvokeStatus::ok);
  auto j = json_of(a.result);
  CHECK(j["message"] == "hello gopher");
  CHECK(j["request_id"] == a.request_id);
  CHECK(j["memory"] == 128);
  CHECK(j["user_data"] == "hi");
  CHECK(j["remaining_ms"].get<int>() > 4000);
  CHECK(a.logs.find("hello from gofn") != std::string::npos);
  auto b = (*fn)->invoke(req);
  REQUIRE(b.status == sb::InvokeStatus::ok);
  CHECK_FALSE(b.cold);
  CHECK(json_of(b.result)["invocations"] == 2);
  req.event = R"({"fail": true})";
  auto c = (*fn)->invoke(req);
  CHECK(c.status == sb::InvokeStatus::function_error);
  CHECK(json_of(c.error)["errorMessage"] == "asked to fail");
  CHECK(json_of(c.error)["errorType"] == "FunctionReturnError");
}

TEST_CASE("W Java function: a class with a Context parameter, POJO and APIG types", "[runtime]") {
  NEED("java");
  sb::FunctionSpec spec;
  spec.name = "greet";
  spec.runtime = *fstage::manifest::resolve_runtime("Java17");
  spec.handler = "demo.Handler.greet";
  spec.initializer = "demo.Handler.initializer";
  spec.memory_mb = 256;
  spec.timeout_s = 10;
  spec.env = {{"greeting", "hi"}};
  spec.code_dir = FSTAGE_JAVA_FIXTURE;
  sb::RunnerOptions o;
  if (const char* p = std::getenv("PATH")) {
    o.host_env["PATH"] = p;
  }
  auto fn = sb::FunctionRunner::create(spec, o, iso::caps());
  REQUIRE(fn);
  sb::InvokeRequest req;
  req.event = R"({"name": "duke", "times": 3})";
  auto a = (*fn)->invoke(req);
  INFO(a.error << a.logs);
  REQUIRE(a.status == sb::InvokeStatus::ok);
  auto j = json_of(a.result);
  CHECK(j["message"] == "hello duke x3");
  CHECK(j["request_id"] == a.request_id);
  CHECK(j["memory"] == 256);
  CHECK(j["user_data"] == "hi");
  CHECK(j["remaining_ms"].get<int>() > 8000);
  CHECK(a.logs.find("initializer ran") != std::string::npos);
  CHECK(a.logs.find("plain System.out goes to the log too") != std::string::npos);
  auto b = (*fn)->invoke(req);
  REQUIRE(b.status == sb::InvokeStatus::ok);
  CHECK_FALSE(b.cold);
  CHECK(json_of(b.result)["invocations"] == 2);
  CHECK(json_of(b.result)["init_calls"] == 1);
  req.event = R"({"fail": true})";
  auto c = (*fn)->invoke(req);
  CHECK(c.status == sb::InvokeStatus::function_error);
  CHECK(json_of(c.error)["errorType"] == "java.lang.IllegalStateException");
  CHECK(json_of(c.error)["errorMessage"] == "asked to fail");

  spec.handler = "demo.Handler.apig";
  spec.initializer.clear();
  auto apig = sb::FunctionRunner::create(spec, o, iso::caps());
  REQUIRE(apig);
  sb::InvokeRequest ev;
  ev.event =
      R"({"httpMethod":"GET","path":"/java","headers":{},"body":"","isBase64Encoded":false})";
  auto r = (*apig)->invoke(ev);
  INFO(r.error << r.logs);
  REQUIRE(r.status == sb::InvokeStatus::ok);
  auto rj = json_of(r.result);
  CHECK(rj["statusCode"] == 200);
  CHECK(rj["body"] == "hello /java");
  CHECK(rj["isBase64Encoded"] == false);
}
