// SPDX-License-Identifier: Apache-2.0
// FunctionRunner driven by the caller's own loop (send, wait_set, poll, result), as serve's
// HTTP loop drives a pool's instances: the same answers, output, queued `next`, deadline and
// death as invoke(), and nothing sent when no instance is warm.
#include <algorithm>
#include <chrono>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/function.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace std::chrono_literals;
namespace sb = fstage::sandbox;
using Progress = sb::FunctionRunner::Progress;

namespace {

constexpr const char* k_handler = R"(import os, threading, time

def handler(event, context):
    what = event.get("do")
    print("running", context.request_id, flush=True)
    if what == "sleep":
        time.sleep(30)
    if what == "exit":
        os._exit(3)
    if what == "exit_after":
        threading.Timer(0.1, os._exit, [0]).start()
    return {"echo": event.get("n")}
)";

// What serve's loop does: wait on wait_set() until it is ready or its time comes, then poll(),
// handing it what was ready (`fired`), or letting it look for itself.
sb::InvokeResult drive(sb::FunctionRunner& runner, Progress p, bool hand_fired = true) {
  std::vector<pollfd> fds;
  while (p == Progress::running) {
    std::chrono::steady_clock::time_point wake_at;
    runner.wait_set(fds, wake_at);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        wake_at - std::chrono::steady_clock::now());
    ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(left.count(), 0, 60000)));
    if (hand_fired) {
      std::vector<pollfd> fired;
      for (const pollfd& f : fds) {
        if (f.fd >= 0 && f.revents != 0) {
          fired.push_back(f);
        }
      }
      p = runner.poll(fired);
    } else {
      p = runner.poll();
    }
  }
  REQUIRE(p == Progress::done);
  return runner.result();
}

sb::InvokeRequest request(const std::string& id, const std::string& event) {
  sb::InvokeRequest r;
  r.request_id = id;
  r.event = event;
  return r;
}

}  // namespace

TEST_CASE("FunctionRunner driven by the caller's loop answers as invoke() does",
          "[sandbox][drive]") {
  if (::access("/usr/bin/python3", X_OK) != 0) {
    WARN("no /usr/bin/python3: skipped");
    return;
  }
  test::Scratch s;
  ::chmod(s.path().c_str(), 0755);  // the sandbox's user may differ
  REQUIRE(write_file_atomic(s.path() / "index.py", k_handler));
  sb::FunctionSpec spec;
  spec.name = "driven";
  spec.runtime = manifest::resolve_runtime("Python3.10").value();
  spec.handler = "index.handler";
  spec.timeout_s = 1;
  spec.code_dir = s.path();
  sb::RunnerOptions ro;
  ro.host_env = {{"PATH", "/usr/bin:/bin"}, {"FSTAGE_PYTHON", "/usr/bin/python3"}};
  auto made = sb::FunctionRunner::create(spec, ro, sb::probe());
  REQUIRE(made);
  sb::FunctionRunner& runner = **made;

  // Cold: nothing is sent, and invoke() is what starts an instance.
  auto first = request("id-1", R"({"n": 1})");
  CHECK(runner.send(first) == Progress::needs_start);
  CHECK_FALSE(runner.warm());
  auto cold = runner.invoke(first);
  REQUIRE(cold.status == sb::InvokeStatus::ok);
  CHECK(cold.cold);
  REQUIRE(runner.warm());

  SECTION("an answer and its output") {
    const bool hand_fired = GENERATE(true, false);
    auto req = request("id-2", R"({"n": 2})");
    auto r = drive(runner, runner.send(req), hand_fired);
    CHECK(r.status == sb::InvokeStatus::ok);
    CHECK_FALSE(r.cold);
    CHECK(r.request_id == "id-2");
    CHECK(r.result == R"({"echo": 2})");
    CHECK(r.logs.find("running id-2") != std::string::npos);
    CHECK(runner.warm());
  }

  SECTION("a request queued in the instance behind the one sent, each with its own output") {
    auto a = request("id-a", R"({"n": 10})");
    auto b = request("id-b", R"({"n": 11})");
    REQUIRE(runner.takes_next());
    auto ra = drive(runner, runner.send(a, &b));
    CHECK(ra.result == R"({"echo": 10})");
    CHECK(ra.logs.find("running id-a") != std::string::npos);
    CHECK(ra.logs.find("id-b") == std::string::npos);
    auto rb = drive(runner, runner.send(b));  // its answer may have come with a's
    CHECK(rb.status == sb::InvokeStatus::ok);
    CHECK(rb.result == R"({"echo": 11})");
    CHECK(rb.logs.find("running id-b") != std::string::npos);
    CHECK(rb.logs.find("id-a") == std::string::npos);
  }

  SECTION("a queued request whose answer came in the same read as the one before: done at once") {
    auto a = request("id-a", R"({"n": 20})");
    auto b = request("id-b", R"({"n": 21})");
    REQUIRE(runner.send(a, &b) == Progress::running);
    std::this_thread::sleep_for(300ms);  // both answer before the first read
    auto ra = drive(runner, Progress::running);
    CHECK(ra.result == R"({"echo": 20})");
    // No descriptor would say that b's answer is here: send() must not leave it waiting.
    REQUIRE(runner.send(b) == Progress::done);
    auto rb = runner.result();
    CHECK(rb.result == R"({"echo": 21})");
    CHECK(rb.logs.find("running id-b") != std::string::npos);
  }

  SECTION("the deadline comes from wait_set's time, no descriptor being ready") {
    auto req = request("id-slow", R"({"do": "sleep"})");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = drive(runner, runner.send(req));
    CHECK(r.status == sb::InvokeStatus::timeout);
    CHECK(std::chrono::steady_clock::now() - t0 < 10s);
    CHECK_FALSE(runner.warm());
    auto again = request("id-after", R"({"n": 3})");
    CHECK(runner.send(again) == Progress::needs_start);  // the next one needs a new instance
  }

  SECTION("an instance that died while idle: looked at first, or not") {
    auto req = request("id-last", R"({"do": "exit_after", "n": 4})");
    auto r = drive(runner, runner.send(req));
    CHECK(r.result == R"({"echo": 4})");
    std::this_thread::sleep_for(500ms);  // it exits 100 ms after answering
    auto next = request("id-next", R"({"n": 5})");
    if (GENERATE(true, false)) {
      CHECK(runner.send(next) == Progress::needs_start);  // nothing sent: invoke() it
      CHECK_FALSE(runner.warm());
      CHECK(runner.invoke(next).result == R"({"echo": 5})");
    } else {
      // Not looked at: its death is this request's.
      auto dead = drive(runner, runner.send(next, nullptr, false));
      CHECK(dead.status == sb::InvokeStatus::killed);
      CHECK(dead.error.find("RuntimeExited") != std::string::npos);
    }
  }

  SECTION("the instance's death during the request") {
    auto req = request("id-exit", R"({"do": "exit"})");
    auto r = drive(runner, runner.send(req));
    CHECK(r.status == sb::InvokeStatus::killed);
    CHECK(r.error.find("RuntimeExited") != std::string::npos);
    CHECK(r.logs.find("running id-exit") != std::string::npos);
    CHECK_FALSE(runner.warm());
  }
}
