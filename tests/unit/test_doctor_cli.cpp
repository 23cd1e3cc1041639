// SPDX-License-Identifier: Apache-2.0
// `fstage doctor` through the whole CLI, in-process: JSON shape, exit codes for missing
// runtimes, bad manifests and credentials, and that no credential value is ever printed.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

using fstage::test::Scratch;
using namespace fstage;

namespace {

const std::string k_python_manifest =
    std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/python/fstage.yaml";
const std::string k_ak = "DOCTORTESTACCESSKEY0001";
const std::string k_sk = "doctor-test-secret-key-value-0002";

struct Doctor {
  std::ostringstream out;
  std::ostringstream err;
  int code = -1;

  Doctor(std::vector<std::string> args, const Scratch& s,
         std::map<std::string, std::string> extra = {}) {
    cli::Context ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.cwd = s.path();
    ctx.env = {{"NO_COLOR", "1"},
               {"PATH", "/usr/bin:/bin"},
               {"HOME", s.path().string()},
               {"XDG_CONFIG_HOME", (s.path() / "config").string()},
               {"XDG_CACHE_HOME", (s.path() / "cache").string()}};
    for (auto& [k, v] : extra) {
      ctx.env[k] = v;
    }
    args.insert(args.begin(), "doctor");
    code = cli::run(args, ctx);
  }
  OrderedJson json() const {
    auto j = parse_ordered_json(out.str(), "doctor --json");
    REQUIRE(j);
    return *j;
  }
  bool printed(const std::string& s) const {
    return out.str().find(s) != std::string::npos || err.str().find(s) != std::string::npos;
  }
};

const OrderedJson* check_named(const OrderedJson& j, const std::string& id) {
  for (const auto& c : j["checks"]) {
    if (c["id"] == id) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("cli doctor --json: one object with the tier and every sandbox check", "[doctor]") {
  Scratch s;
  Doctor d({"--json"}, s);
  CHECK(d.code == cli::k_exit_ok);
  auto j = d.json();
  CHECK((j["tier"] == "T0" || j["tier"] == "T1" || j["tier"] == "T2"));
  CHECK(j["exit_code"] == 0);
  CHECK(j["ready"] == true);
  for (const char* id : {"userns", "apparmor", "cgroup", "container", "seccomp", "credentials"}) {
    INFO(id);
    CHECK(check_named(j, id) != nullptr);
  }
  // Without a manifest in the scratch dir or its parents, only the host's interpreters.
  if (!manifest::find_manifest(s.path())) {
    CHECK(j["runtimes"]["manifest"].is_null());
    CHECK(check_named(j, "interpreter:python") != nullptr);
  }
  CHECK(j["runtimes"]["interpreters"].size() == 4);
  CHECK(j["credentials"]["present"] == false);
  CHECK((*check_named(j, "credentials"))["status"] == "warn");
}

TEST_CASE("cli doctor: human checklist without colour under NO_COLOR, with --color=always",
          "[doctor]") {
  Scratch s;
  Doctor plain({}, s);
  CHECK(plain.code == cli::k_exit_ok);
  CHECK(plain.out.str().starts_with("Sandbox tier T"));
  CHECK(plain.printed("✓ "));
  CHECK(plain.printed("\nready: 0 problems"));
  CHECK_FALSE(plain.printed("\033["));
  Doctor colored({"--color=always"}, s);
  CHECK(colored.out.str().find("\033[32m✓\033[0m") != std::string::npos);
}

TEST_CASE("cli doctor: credentials from the environment are present, never printed",
          "[doctor][credentials]") {
  Scratch s;
  std::map<std::string, std::string> env = {{"HUAWEICLOUD_SDK_AK", k_ak},
                                            {"HUAWEICLOUD_SDK_SK", k_sk}};
  Doctor human({}, s, env);
  CHECK(human.code == cli::k_exit_ok);
  CHECK(human.printed("credentials: present (environment"));
  Doctor js({"--json"}, s, env);
  auto j = js.json();
  CHECK(j["credentials"]["present"] == true);
  CHECK(j["credentials"]["environment"]["HUAWEICLOUD_SDK_AK"] == "present");
  CHECK(j["credentials"]["environment"]["HUAWEICLOUD_SDK_SECURITY_TOKEN"] == "absent");
  for (const Doctor* d : {&human, &js}) {
    CHECK_FALSE(d->printed(k_ak));
    CHECK_FALSE(d->printed(k_sk));
    CHECK_FALSE(d->printed(k_ak.substr(k_ak.size() - 4)));
  }
}

TEST_CASE("cli doctor: half-set credentials fail with the auth code", "[doctor][credentials]") {
  Scratch s;
  Doctor d({"--json"}, s, {{"HUAWEICLOUD_SDK_AK", k_ak}});
  CHECK(d.code == cli::k_exit_auth);
  auto j = d.json();
  CHECK((*check_named(j, "credentials"))["status"] == "fail");
  CHECK(j["exit_code"] == cli::k_exit_auth);
  CHECK_FALSE(d.printed(k_ak));
}

TEST_CASE("cli doctor: a credentials file others can read fails with chmod as the fix",
          "[doctor][credentials]") {
  Scratch s;
  auto file = s.path() / "config/fstage/credentials";
  std::filesystem::create_directories(file.parent_path());
  REQUIRE(write_file_atomic(
      file, "[default]\naccess_key = " + k_ak + "\nsecret_key = " + k_sk + "\n", 0644));
  Doctor d({}, s);
  CHECK(d.code == cli::k_exit_auth);
  CHECK(d.printed("✗ credentials: credentials file"));
  CHECK(d.printed("chmod 600 " + file.string()));
  CHECK_FALSE(d.printed(k_ak));
  CHECK_FALSE(d.printed(k_sk));
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  Doctor ok({"--json"}, s);
  CHECK(ok.code == cli::k_exit_ok);
  auto j = ok.json();
  CHECK(j["credentials"]["file_mode"] == "0600");
  CHECK(j["credentials"]["profiles"] == OrderedJson::array({"default"}));
  CHECK(j["credentials"]["present"] == true);
  CHECK_FALSE(ok.printed(k_sk));
}

TEST_CASE("cli doctor: a runtime the manifest needs but the host lacks exits not-found",
          "[doctor][runtimes]") {
  Scratch s;
  Doctor d({"-f", k_python_manifest, "--json"}, s, {{"FSTAGE_PYTHON", "/nonexistent/python3"}});
  CHECK(d.code == cli::k_exit_not_found);
  auto j = d.json();
  CHECK(j["ready"] == false);
  const auto* rt = check_named(j, "runtime:Python3.10");
  REQUIRE(rt != nullptr);
  CHECK((*rt)["status"] == "fail");
  CHECK((*rt)["summary"].get<std::string>().find("is not an executable file") != std::string::npos);
  CHECK(j["runtimes"]["runtimes"][0]["found"] == false);
}

TEST_CASE("cli doctor: a manifest found from the working directory is checked",
          "[doctor][runtimes]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml",
                            "name: x\nfunctions:\n  f:\n    runtime: Custom\n    handler: "
                            "bootstrap\n    code: .\n"));
  Doctor d({"--json"}, s);
  CHECK(d.code == cli::k_exit_ok);
  auto j = d.json();
  CHECK(j["runtimes"]["manifest"] == (s.path() / "fstage.yaml").string());
  REQUIRE(check_named(j, "runtime:Custom") != nullptr);
  CHECK((*check_named(j, "runtime:Custom"))["status"] == "ok");
}

TEST_CASE("cli doctor: an invalid manifest exits invalid-input, a missing -f not-found",
          "[doctor]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml",
                            "name: x\nfunctions:\n  f:\n    runtime: "
                            "Cobol85\n"));
  Doctor bad({}, s);
  CHECK(bad.code == cli::k_exit_invalid_input);
  CHECK(bad.printed("✗ manifest:"));
  Doctor missing({"-f", "nope.yaml", "--json"}, s);
  CHECK(missing.code == cli::k_exit_not_found);
  // --json: the error is JSON on stdout too, and the text on stderr.
  CHECK(missing.json()["error"]["code"] == "not_found");
  CHECK(missing.json()["exit_code"] == cli::k_exit_not_found);
  CHECK(missing.err.str().find("fstage: error: nope.yaml: no such file") != std::string::npos);
}

TEST_CASE("cli doctor --require-isolation fails with the sandbox code when degraded", "[doctor]") {
  Scratch s;
  Doctor d({"--require-isolation", "--json"}, s, {{"FSTAGE_SANDBOX_DISABLE", "namespaces"}});
  CHECK(d.code == cli::k_exit_sandbox);
  auto j = d.json();
  CHECK(j["tier"] == "T2");
  CHECK((*check_named(j, "isolation"))["status"] == "fail");
  CHECK((*check_named(j, "userns"))["fix"] == "unset FSTAGE_SANDBOX_DISABLE");
}
