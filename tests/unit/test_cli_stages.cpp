// SPDX-License-Identifier: Apache-2.0
// --stage / --param / FSTAGE_STAGE on the command line, and `fstage print`.
#include <fstream>

#include <catch2/catch.hpp>

#include <fstage/cli/exit_codes.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;

namespace {

void write_project(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "src");
  std::ofstream(dir / "fstage.yaml") << R"(name: p
stages:
  dev: {}
  prod:
    functions:
      f: {memory: 512}
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    code: src
    env:
      TOKEN: ${param:token}
      LEVEL: debug
)";
}

}  // namespace

TEST_CASE("cli: --param without '=' and a bad --stage are usage errors", "[cli][stages]") {
  fstage::test::Scratch s;
  write_project(s.path());
  CliRun bad({"validate", "--param", "token"}, s.path());
  CHECK(bad.code == fstage::cli::k_exit_usage);
  CHECK(has(bad.err, "--param 'token' is not KEY=VALUE"));
  CliRun stage({"validate", "--stage", "../x", "--param", "token=1"}, s.path());
  CHECK(stage.code == fstage::cli::k_exit_usage);
  CliRun missing({"validate", "--stage", "qa", "--param", "token=1"}, s.path());
  CHECK(missing.code == fstage::cli::k_exit_invalid_input);
  CHECK(has(missing.err, "no stage 'qa' is declared"));
}

TEST_CASE("cli: print shows the stage's manifest with substituted values masked", "[cli][stages]") {
  fstage::test::Scratch s;
  write_project(s.path());
  CliRun p({"print", "--stage", "prod", "--param", "token=s3cr3tvalue"}, s.path());
  INFO(p.err.str());
  REQUIRE(p.code == 0);
  CHECK(has(p.out, "f: f-prod"));
  CHECK(has(p.out, "memory: 512"));
  CHECK(has(p.out, "TOKEN: \"****\""));
  CHECK(has(p.out, "LEVEL: \"****\""));
  CHECK_FALSE(has(p.out, "s3cr3tvalue"));
  CliRun shown(
      {"print", "--stage", "prod", "--param", "token=s3cr3tvalue", "--show-values", "--json"},
      s.path());
  REQUIRE(shown.code == 0);
  CHECK(has(shown.out, "\"TOKEN\": \"s3cr3tvalue\""));
}
