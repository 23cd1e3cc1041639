// SPDX-License-Identifier: Apache-2.0
// `fstage validate` run in-process over a fake Context.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>

namespace fs = std::filesystem;

namespace {

const fs::path k_fixtures = fs::path(FSTAGE_SOURCE_DIR) / "tests/fixtures/manifests";

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

Run run_cli(const std::vector<std::string>& args, const fs::path& cwd) {
  std::ostringstream out;
  std::ostringstream err;
  fstage::cli::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.cwd = cwd;
  ctx.env = {{"NO_COLOR", "1"}};
  Run r;
  r.code = fstage::cli::run(args, ctx);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

TEST_CASE("fstage validate reports ok on stderr for a good manifest", "[manifest][cli]") {
  Run r = run_cli({"validate"}, k_fixtures / "good/src/orders");
  INFO(r.err);
  CHECK(r.code == fstage::cli::k_exit_ok);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("fstage.yaml: ok (2 functions)"));

  r = run_cli({"validate", "-f", "fstage.yaml"}, k_fixtures / "good");
  CHECK(r.code == 0);
  CHECK(r.err == "fstage.yaml: ok (2 functions)\n");

  r = run_cli({"-q", "validate", "-f", "good/fstage.yaml"}, k_fixtures);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("fstage validate renders errors with file:line:column and exits 3", "[manifest][cli]") {
  Run r = run_cli({"validate", "-f", "bad/memory_100.yaml"}, k_fixtures);
  INFO(r.err);
  CHECK(r.code == fstage::cli::k_exit_invalid_input);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("fstage: error: bad/memory_100.yaml:7:13: "
                                      "functions.orders.memory: 100 is not a memory size"));
  CHECK_THAT(r.err, Catch::Contains("hint: "));

  r = run_cli({"validate", "-f", "bad/wrong_types.yaml"}, k_fixtures);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::StartsWith("fstage: error: bad/wrong_types.yaml: 3 errors\n"
                                      "  bad/wrong_types.yaml:6:13: "));
}

TEST_CASE("fstage validate --json prints one object and no human error", "[manifest][cli]") {
  Run r = run_cli({"validate", "--json", "-f", "bad/wrong_types.yaml"}, k_fixtures);
  CHECK(r.code == 3);
  CHECK(r.err.empty());
  auto j = fstage::Json::parse(r.out);
  CHECK(j["file"] == "bad/wrong_types.yaml");
  CHECK(j["valid"] == false);
  REQUIRE(j["errors"].size() == 3);
  CHECK(j["errors"][0]["line"] == 6);
  CHECK(j["errors"][0]["column"] == 13);
  CHECK(j["errors"][0]["message"] == "functions.orders.memory: found the string '256'");
  CHECK(j["errors"][0]["hint"] == "write the number without quotes");
  CHECK(j["functions"].empty());

  r = run_cli({"validate", "--json"}, k_fixtures / "good");
  CHECK(r.code == 0);
  j = fstage::Json::parse(r.out);
  CHECK(j["valid"] == true);
  CHECK(j["functions"] == fstage::Json::array({"orders", "web"}));
  CHECK(j["warnings"].empty());
}

TEST_CASE("fstage validate prints warnings and handles missing files", "[manifest][cli]") {
  auto dir = fstage::TempDir::create({}, "fstage-validate-test");
  REQUIRE(dir);
  std::ofstream(dir->path() / "fstage.yaml")
      << "name: p\nfunctions:\n  a: {runtime: PHP7.3, handler: index.handler, timeout: 1000}\n";
  Run r = run_cli({"validate"}, dir->path());
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("fstage: warning: fstage.yaml:3:16: functions.a.runtime: "
                                    "runtime 'PHP7.3' cannot run locally"));
  CHECK_THAT(r.err, Catch::Contains("fstage: warning: fstage.yaml:3:57: functions.a.timeout"));
  CHECK_THAT(r.err, Catch::Contains("fstage.yaml: ok (1 function)"));

  r = run_cli({"validate", "-f", "missing.yaml"}, dir->path());
  CHECK(r.code == fstage::cli::k_exit_not_found);
  CHECK_THAT(r.err, Catch::Contains("missing.yaml: no such file"));
}
