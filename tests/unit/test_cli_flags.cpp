// SPDX-License-Identifier: Apache-2.0
// The options every command shares, spelled and behaving the same everywhere: -f/--file for
// the manifest, --json (errors included), deploy's --publish, and how file-system errors are
// told apart (missing, not readable, not valid).
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/error.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::Scratch;
using namespace fstage;

namespace {

// Every command that reads a manifest, with the arguments it needs besides -f.
const std::vector<std::vector<std::string>> k_manifest_commands = {
    {"validate"},
    {"build"},
    {"package"},
    {"deploy", "--dry-run"},
    {"invoke"},
    {"serve"},
    {"debug-config", "vscode"},
    {"doctor"},
    {"remote", "list"},
    {"remote", "info", "f"},
    {"remote", "invoke", "f"},
    {"remote", "logs", "f"},
    {"remote", "remove", "f"},
};

}  // namespace

TEST_CASE("every command that reads a manifest takes -f/--file (and the old --manifest)",
          "[cli][flags]") {
  Scratch s;
  for (const auto& base : k_manifest_commands) {
    for (const char* flag : {"-f", "--file", "--manifest"}) {
      auto args = base;
      args.push_back(flag);
      args.push_back("missing.yaml");
      CliRun r(args, s.path());
      INFO(base.front() << " " << flag << ": " << r.err.str());
      CHECK(r.code == cli::k_exit_not_found);
      CHECK(has(r.err, "fstage: error: missing.yaml: no such file"));
    }
    auto help = base;
    help.push_back("--help");
    CliRun h(help, s.path());
    INFO(base.front());
    CHECK(has(h.out, "-f,--file FILE"));
    CHECK_FALSE(has(h.out, "--manifest"));
  }
}

TEST_CASE("init's --force has no -f any more, and says so", "[cli][flags]") {
  Scratch s;
  CliRun r({"init", "x", "-r", "python3.10", "-f"}, s.path());
  CHECK(r.code == cli::k_exit_usage);
  CHECK(has(r.err, "write --force: -f is --file"));
  CliRun ok({"init", "x", "-r", "python3.10", "--force"}, s.path());
  CHECK(ok.code == 0);
}

TEST_CASE("cli --json: an error is JSON on stdout too, and text on stderr", "[cli][flags]") {
  Scratch s;
  for (const auto& base : k_manifest_commands) {
    auto args = base;
    args.insert(args.end(), {"--json", "-f", "missing.yaml"});
    CliRun r(args, s.path());
    INFO(base.front() << ": " << r.out.str());
    auto j = parse_json(r.out.str(), "stdout");
    REQUIRE(j);
    CHECK((*j)["error"]["code"] == "not_found");
    CHECK((*j)["error"]["message"] == "missing.yaml: no such file");
    CHECK((*j)["exit_code"] == cli::k_exit_not_found);
    CHECK(has(r.err, "fstage: error: missing.yaml: no such file"));
  }
  const std::string fixture =
      std::string(FSTAGE_SOURCE_DIR) + "/tests/fixtures/functions/python/fstage.yaml";
  CliRun nosuch({"invoke", "--json", "-f", fixture, "nosuch"}, s.path());
  CHECK(nosuch.code == cli::k_exit_not_found);
  auto j = parse_json(nosuch.out.str(), "stdout");
  REQUIRE(j);
  CHECK((*j)["error"]["message"].get<std::string>().starts_with("no function 'nosuch'"));
  CHECK((*j)["error"]["hint"].get<std::string>().starts_with("functions: hello"));
  // Without --json, stdout stays empty.
  CliRun text({"invoke", "-f", fixture, "nosuch"}, s.path());
  CHECK(text.out.str().empty());
}

TEST_CASE("cli --json: a bad command line is JSON on stdout too", "[cli][flags]") {
  Scratch s;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", "--json", "--bogus"},
        std::vector<std::string>{"validate", "--bogus", "--json"},
        std::vector<std::string>{"invoke", "--json", "--timeout", "x", "f"}}) {
    CliRun r(args, s.path());
    INFO(args[2] << ": " << r.out.str() << r.err.str());
    CHECK(r.code == cli::k_exit_usage);
    auto j = parse_json(r.out.str(), "stdout");
    REQUIRE(j);
    CHECK((*j)["error"]["code"] == "usage");
    CHECK((*j)["exit_code"] == cli::k_exit_usage);
    CHECK(has(r.err, "fstage: error: "));
  }
  CliRun text({"validate", "--bogus", "--", "--json"}, s.path());
  CHECK(text.code == cli::k_exit_usage);
  CHECK(text.out.str().empty());
}

TEST_CASE("deploy --publish WORD is refused as ambiguous", "[cli][flags][deploy]") {
  Scratch s;
  CliRun r({"deploy", "--publish", "orders"}, s.path());
  CHECK(r.code == cli::k_exit_usage);
  CHECK(has(r.err, "'--publish orders' is ambiguous"));
  CHECK(has(r.err, "fstage deploy --publish=orders"));
  CHECK(has(r.err, "fstage deploy orders --publish"));
  CliRun later({"deploy", "a", "--publish", "b", "--dry-run"}, s.path());
  CHECK(later.code == cli::k_exit_usage);
  CHECK(has(later.err, "'--publish b' is ambiguous"));
  // The two unambiguous spellings get past the command line (and stop at the missing manifest).
  for (const std::vector<std::string>& ok :
       {std::vector<std::string>{"deploy", "--publish=orders"},
        std::vector<std::string>{"deploy", "orders", "--publish"},
        std::vector<std::string>{"deploy", "--publish=v2", "orders"},
        std::vector<std::string>{"deploy", "--publish", "--dry-run"}}) {
    CliRun r2(ok, s.path());
    INFO(r2.err.str());
    CHECK(r2.code == cli::k_exit_not_found);
    CHECK(has(r2.err, "no fstage.yaml"));
  }
}

TEST_CASE("a manifest that cannot be read is an I/O error, not an invalid one", "[cli][flags]") {
  Scratch s;
  // A directory where the file should be: read(2) fails as it would on a file not readable.
  std::filesystem::create_directory(s.path() / "dir.yaml");
  for (const auto& cmd : std::vector<std::string>{"validate", "package", "invoke", "build"}) {
    CliRun r({cmd, "-f", "dir.yaml"}, s.path());
    INFO(cmd << ": " << r.err.str());
    CHECK(r.code == cli::k_exit_failure);
    CHECK(has(r.err, "dir.yaml is a directory"));
  }
  auto v = manifest::validate_file(s.path() / "dir.yaml");
  CHECK(v.read_error.has_value());
  CHECK(v.read_error->code == ErrorCode::io);
}
