// SPDX-License-Identifier: Apache-2.0
// `fstage invoke` and `fstage event` through the whole CLI, for the paths that end before a
// sandbox starts (the sandboxed paths are covered by tests/e2e/invoke and the isolation suite).
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::Scratch;
using namespace fstage;

namespace {

const std::string k_fixture =
    std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/python/fstage.yaml";

}  // namespace

TEST_CASE("cli invoke: malformed event JSON names line and column", "[invoke]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "bad.json", "{\n  \"a\": 1,\n  \"b\": ,\n}\n"));
  CliRun r({"invoke", "-f", k_fixture, "hello", "-e", "bad.json"}, s.path());
  CHECK(r.code == cli::k_exit_invalid_input);
  CHECK(has(r.err, "bad.json:3:"));
  CHECK(r.out.str().empty());
}

TEST_CASE("cli invoke: a request over 6 MB is refused before running", "[invoke]") {
  Scratch s;
  std::string big = "{\"x\": \"" + std::string(6291456, 'y') + "\"}";
  REQUIRE(write_file_atomic(s.path() / "big.json", big));
  CliRun r({"invoke", "-f", k_fixture, "hello", "-e", "big.json"}, s.path());
  CHECK(r.code == cli::k_exit_limit);
  CHECK(has(r.err, "big.json is 6291465 bytes, larger than 6 MB (6291456 bytes)"));
  CHECK(has(r.err, "the platform's limit for a synchronous request body is 6 MB"));
}

TEST_CASE("cli invoke: function selection errors", "[invoke]") {
  CliRun several({"invoke", "-f", k_fixture});
  CHECK(several.code == cli::k_exit_usage);
  CHECK(has(several.err, "functions; name one"));
  CliRun typo({"invoke", "-f", k_fixture, "helo"});
  CHECK(typo.code == cli::k_exit_not_found);
  CHECK(has(typo.err, "did you mean 'hello'?"));
}

TEST_CASE("cli invoke: --set needs --trigger, and not both event sources", "[invoke]") {
  CliRun set({"invoke", "-f", k_fixture, "hello", "--set", "a=1"});
  CHECK(set.code == cli::k_exit_usage);
  CliRun both({"invoke", "-f", k_fixture, "hello", "--trigger", "apig", "-e", "x.json"});
  CHECK(both.code == cli::k_exit_usage);
  CliRun repeat({"invoke", "-f", k_fixture, "hello", "--repeat", "0"});
  CHECK(repeat.code == cli::k_exit_usage);
}

TEST_CASE("cli invoke: --require-isolation fails without namespaces", "[invoke]") {
  // A fake environment that switches namespaces off, as a host without them would be.
  cli::Context ctx;
  std::ostringstream out;
  std::ostringstream err;
  ctx.out = &out;
  ctx.err = &err;
  ctx.cwd = std::filesystem::current_path();
  ctx.env = {{"NO_COLOR", "1"}, {"FSTAGE_SANDBOX_DISABLE", "namespaces"}};
  int code = cli::run({"invoke", "-f", k_fixture, "hello", "--require-isolation"}, ctx);
  CHECK(code == cli::k_exit_sandbox);
  CHECK(err.str().find("isolation required") != std::string::npos);
}

TEST_CASE("cli event list and new", "[event]") {
  CliRun list({"event", "list"});
  REQUIRE(list.code == 0);
  CHECK(has(list.out, "apig-base64"));
  CHECK(has(list.out, "gaussmongo"));
  CliRun made({"event", "new", "timer", "--set", "user_event=hello"});
  REQUIRE(made.code == 0);
  auto j = parse_json(made.out.str(), "stdout");
  REQUIRE(j);
  CHECK((*j)["user_event"] == "hello");
  CHECK((*j)["trigger_type"] == "TIMER");
  CliRun unknown({"event", "new", "apg"});
  CHECK(unknown.code == cli::k_exit_not_found);
  CHECK(has(unknown.err, "did you mean 'apig'?"));
  CliRun bad({"event", "new", "obs", "--set", "nonsense"});
  CHECK(bad.code == cli::k_exit_usage);
}
