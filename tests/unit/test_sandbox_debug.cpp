// SPDX-License-Identifier: Apache-2.0
// Debug sessions: the port options' parsing, the "debugger listening" line with its path
// mapping, and the launch plans' rewrite for each runtime's debugger.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/sandbox/debug.hpp>

#include "debug_session.hpp"

namespace sb = fstage::sandbox;
using fstage::ErrorCode;

namespace {

sb::FunctionSpec spec_for(const char* runtime) {
  sb::FunctionSpec spec;
  spec.runtime = *fstage::manifest::resolve_runtime(runtime);
  spec.handler = "handler";
  return spec;
}

}  // namespace

TEST_CASE("debug ports are 1..65535, digits only", "[sandbox][debug]") {
  CHECK(*sb::parse_debug_port("5678") == 5678);
  CHECK(*sb::parse_debug_port("1") == 1);
  CHECK(*sb::parse_debug_port("65535") == 65535);
  for (const char* bad : {"", "0", "65536", "-1", "56x", "123456", " 80"}) {
    auto r = sb::parse_debug_port(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::usage);
    CHECK(r.error().message.find("is not a port") != std::string::npos);
  }
}

TEST_CASE("serve --debug takes FUNC or FUNC:PORT", "[sandbox][debug]") {
  auto a = sb::parse_debug_target("hello");
  REQUIRE(a);
  CHECK(a->first == "hello");
  CHECK(a->second == 0);
  auto b = sb::parse_debug_target("hello:9230");
  REQUIRE(b);
  CHECK(b->first == "hello");
  CHECK(b->second == 9230);
  CHECK_FALSE(sb::parse_debug_target(""));
  CHECK_FALSE(sb::parse_debug_target(":5678"));
  auto c = sb::parse_debug_target("hello:http");
  REQUIRE_FALSE(c);
  CHECK(c.error().hint == "e.g. --debug hello:5678");
}

TEST_CASE("each runtime names its debugger, port and VS Code type", "[sandbox][debug]") {
  using fstage::manifest::Language;
  CHECK(sb::debugger_for(Language::python)->vscode_type == "debugpy");
  CHECK(sb::debugger_for(Language::nodejs)->default_port == 9229);
  CHECK(sb::debugger_for(Language::java)->debugger == "jdwp");
  CHECK(sb::debugger_for(Language::go)->vscode_type == "go");
  CHECK(sb::debugger_for(Language::custom) == nullptr);
  CHECK(sb::debugger_for(Language::http) == nullptr);
}

TEST_CASE("the listening line names the port, the debugger and the path mapping",
          "[sandbox][debug]") {
  sb::DebugSettings s;
  s.port = 5678;
  s.source_dir = "/home/dev/proj/fn";
  CHECK(sb::debug_listening_line(*sb::debugger_for(fstage::manifest::Language::python), s) ==
        "debugger listening on 127.0.0.1:5678 (python/debugpy); path mapping /home/dev/proj/fn "
        "-> /opt/function/code; the function's timeout is suspended while debugging");
  // Go's debug build records the host's paths: no mapping.
  auto go = sb::debug_path_mapping(*sb::debugger_for(fstage::manifest::Language::go), s);
  CHECK(go.first == go.second);
}

TEST_CASE("apply_debug starts Node.js and Java under their debuggers", "[sandbox][debug]") {
  sb::RunnerOptions o;
  o.debug.port = 9229;
  sb::detail::LaunchPlan node;
  node.argv = {"/usr/bin/node", "--max-old-space-size=96", "/home/snuser/runtime/nodejs/b.js"};
  REQUIRE(sb::detail::apply_debug(node, spec_for("nodejs20.15"), o));
  CHECK(node.argv == std::vector<std::string>{"/usr/bin/node", "--inspect-brk=127.0.0.1:9229",
                                              "--max-old-space-size=96",
                                              "/home/snuser/runtime/nodejs/b.js"});
  o.debug.port = 5005;
  sb::detail::LaunchPlan java;
  java.argv = {"/usr/bin/java", "-Xmx96m", "fstage.runtime.Bootstrap"};
  REQUIRE(sb::detail::apply_debug(java, spec_for("java17"), o));
  CHECK(java.argv[1] ==
        "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:5005");
}

TEST_CASE("apply_debug refuses runtimes without a debugger and the sandbox's own ports",
          "[sandbox][debug]") {
  sb::RunnerOptions o;
  o.debug.port = 5678;
  sb::detail::LaunchPlan plan;
  plan.argv = {"/opt/function/code/bootstrap"};
  auto custom = sb::detail::apply_debug(plan, spec_for("custom"), o);
  REQUIRE_FALSE(custom);
  CHECK(custom.error().code == ErrorCode::invalid_input);
  o.debug.port = 9000;  // the runtime API's port inside the sandbox
  plan.argv = {"/usr/bin/java"};
  auto taken = sb::detail::apply_debug(plan, spec_for("java17"), o);
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == ErrorCode::usage);
  o.debug.port = 2345;  // Go without its debug build
  auto go = sb::detail::apply_debug(plan, spec_for("go1.x"), o);
  REQUIRE_FALSE(go);
}
