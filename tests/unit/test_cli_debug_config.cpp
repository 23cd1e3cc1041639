// SPDX-License-Identifier: Apache-2.0
// `fstage debug-config vscode`: ports per runtime, the attach configurations' types and path
// mappings, and the merge into an existing launch.json.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/json_text.hpp>

#include "../../cli/commands/debug_config.hpp"

using fstage::OrderedJson;
using fstage::cli::debug_targets;
using fstage::cli::merge_launch_json;
using fstage::cli::vscode_configuration;

namespace {

fstage::manifest::Manifest project() {
  fstage::manifest::Manifest m;
  auto add = [&m](const char* name, const char* runtime, const char* code) {
    fstage::manifest::Function f;
    f.name = name;
    f.runtime = *fstage::manifest::resolve_runtime(runtime);
    f.code = code;
    m.functions.push_back(f);
  };
  add("py1", "python3.10", "py1");
  add("web", "http", "web");
  add("py2", "python3.10", "./py2/");
  add("js", "nodejs20.15", ".");
  add("jv", "java17", "java");
  add("gofn", "go1.x", "go");
  return m;
}

}  // namespace

TEST_CASE("debug-config gives each debuggable function its own port", "[cli][debug]") {
  auto m = project();
  auto t = debug_targets(m);
  REQUIRE(t.size() == 5);  // the HTTP function has no debugger
  CHECK(t[0].function->name == "py1");
  CHECK(t[0].port == 5678);
  CHECK(t[1].function->name == "py2");
  CHECK(t[1].port == 5679);
  CHECK(t[2].port == 9229);
  CHECK(t[3].port == 5005);
  CHECK(t[4].port == 2345);
}

TEST_CASE("debug-config writes each runtime's attach type and path mapping", "[cli][debug]") {
  auto m = project();
  auto t = debug_targets(m);
  OrderedJson py = vscode_configuration(t[1]);
  CHECK(py["type"] == "debugpy");
  CHECK(py["request"] == "attach");
  CHECK(py["connect"]["port"] == 5679);
  CHECK(py["pathMappings"][0]["localRoot"] == "${workspaceFolder}/py2");
  CHECK(py["pathMappings"][0]["remoteRoot"] == "/opt/function/code");
  OrderedJson js = vscode_configuration(t[2]);
  CHECK(js["type"] == "node");
  CHECK(js["localRoot"] == "${workspaceFolder}");
  CHECK(js["remoteRoot"] == "/opt/function/code");
  OrderedJson jv = vscode_configuration(t[3]);
  CHECK(jv["type"] == "java");
  CHECK(jv["hostName"] == "127.0.0.1");
  CHECK(jv["sourcePaths"][0] == "${workspaceFolder}/java/src/main/java");
  OrderedJson go = vscode_configuration(t[4]);
  CHECK(go["type"] == "go");
  CHECK(go["mode"] == "remote");
  CHECK(go["port"] == 2345);
  CHECK(go["name"] == "fstage: gofn (go, port 2345)");
}

TEST_CASE("debug-config merges into launch.json, keeping the user's entries", "[cli][debug]") {
  auto m = project();
  auto t = debug_targets(m);
  OrderedJson configs = OrderedJson::array({vscode_configuration(t[0])});
  const std::string existing = R"J({"version": "0.2.0", "configurations": [
      {"name": "mine", "type": "node", "request": "launch"},
      {"name": "fstage: py1 (python, port 5678)", "type": "old"}],
      "compounds": []})J";
  auto doc = merge_launch_json(existing, configs, "launch.json");
  REQUIRE(doc);
  REQUIRE((*doc)["configurations"].size() == 2);
  CHECK((*doc)["configurations"][0]["name"] == "mine");
  CHECK((*doc)["configurations"][1]["type"] == "debugpy");  // replaced where it stood
  CHECK(doc->contains("compounds"));
  auto fresh = merge_launch_json("", configs, "launch.json");
  REQUIRE(fresh);
  CHECK((*fresh)["version"] == "0.2.0");
  CHECK((*fresh)["configurations"].size() == 1);
  // VS Code allows comments; fstage cannot keep them, and says so instead of dropping them.
  auto commented =
      merge_launch_json("{ // mine\n \"configurations\": [] }", configs, "launch.json");
  REQUIRE_FALSE(commented);
  CHECK(commented.error().code == fstage::ErrorCode::invalid_input);
  CHECK(commented.error().hint.find("comments") != std::string::npos);
}
