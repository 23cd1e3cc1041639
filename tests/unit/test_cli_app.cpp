// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/version.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using namespace fstage;

TEST_CASE("cli::run --version prints version and commit", "[cli]") {
  CliRun r({"--version"});
  CHECK(r.code == 0);
  CHECK(r.out.str().find(std::string(version())) != std::string::npos);
  CHECK(r.out.str().find(std::string(commit())) != std::string::npos);
  CHECK(r.err.str().empty());
}

TEST_CASE("cli::run --help lists the commands", "[cli]") {
  CliRun r({"--help"});
  CHECK(r.code == 0);
  for (const char* cmd : {"init", "templates", "validate", "help"}) {
    CHECK(r.out.str().find(cmd) != std::string::npos);
  }
}

TEST_CASE("cli::run suggests a close subcommand for a typo", "[cli]") {
  CliRun r({"templtes"});
  CHECK(r.code == cli::k_exit_usage);
  CHECK(r.err.str().find("fstage: error: unknown command 'templtes'; did you mean 'templates'?") !=
        std::string::npos);
  CHECK(r.err.str().find("hint:") != std::string::npos);
  CHECK(r.out.str().empty());
}

TEST_CASE("cli::run suggests a close flag for a typo", "[cli]") {
  CliRun r({"templates", "--jsn"});
  CHECK(r.code == cli::k_exit_usage);
  CHECK(r.err.str().find("did you mean '--json'?") != std::string::npos);
}

TEST_CASE("cli::run suggests a swapped pair of letters, and names the subcommand's help", "[cli]") {
  CliRun r({"flwo", "list"});
  CHECK(r.err.str().find("unknown command 'flwo'; did you mean 'flow'?") != std::string::npos);
  CliRun deep({"flow", "run", "orders", "--inptu", "x.json"});
  CHECK(deep.code == cli::k_exit_usage);
  CHECK(deep.err.str().find("did you mean '--input'?") != std::string::npos);
  CHECK(deep.err.str().find("hint: run 'fstage flow run --help' for the list") !=
        std::string::npos);
}

TEST_CASE("cli::run suggests no letter for a one-letter flag, but what it is called here",
          "[cli]") {
  CliRun flow({"flow", "run", "orders", "-e", "x.json"});  // invoke's -e is a flow's -i
  CHECK(flow.code == cli::k_exit_usage);
  CHECK(flow.err.str().find("unknown option '-e'; did you mean '-i'?") != std::string::npos);
  CliRun event({"flow", "run", "orders", "--event", "x.json"});
  CHECK(event.err.str().find("did you mean '--input'?") != std::string::npos);
  CliRun invoke({"invoke", "-i", "x.json"});
  CHECK(invoke.err.str().find("did you mean '-e'?") != std::string::npos);
  CliRun other({"flow", "run", "orders", "-x"});  // not -h, one letter away like every other
  CHECK(other.err.str().find("unknown option '-x'\n") != std::string::npos);
  CliRun upper({"flow", "graph", "orders", "-F", "x"});
  CHECK(upper.err.str().find("did you mean '-f'?") != std::string::npos);
}

TEST_CASE("cli::run help exit-codes prints the one table", "[cli]") {
  CliRun r({"help", "exit-codes", "--json"});
  REQUIRE(r.code == 0);
  auto j = parse_json(r.out.str(), "stdout");
  REQUIRE(j);
  CHECK(j->size() == cli::exit_code_table().size());
  CliRun text({"help", "exit-codes"});
  CHECK(text.out.str().find("130  interrupted") != std::string::npos);
}

TEST_CASE("cli::exit_code_for maps every error code to a table row", "[cli]") {
  for (int c = 0; c <= static_cast<int>(ErrorCode::internal); ++c) {
    int code = cli::exit_code_for(static_cast<ErrorCode>(c));
    bool found = false;
    for (const auto& row : cli::exit_code_table()) {
      found = found || row.code == code;
    }
    INFO(to_string(static_cast<ErrorCode>(c)));
    CHECK(found);
  }
}

TEST_CASE("cli::run templates --json prints only JSON", "[cli]") {
  CliRun r({"templates", "--json"});
  REQUIRE(r.code == 0);
  auto j = parse_json(r.out.str(), "stdout");
  REQUIRE(j);
  CHECK(j->is_array());
  CHECK(j->size() >= 6);
}

TEST_CASE("cli::run init without a runtime and no terminal lists the missing flag", "[cli]") {
  test::Scratch s;
  CliRun r({"init", (s.path() / "x").string()});
  CHECK(r.code == cli::k_exit_usage);
  CHECK(r.err.str().find("missing required flag: -r/--runtime") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(s.path() / "x"));
}

TEST_CASE("cli::run init --json reports the files", "[cli]") {
  test::Scratch s;
  CliRun r({"init", "demo", "-r", "python3.10", "--json"}, s.path());
  REQUIRE(r.code == 0);
  auto j = parse_json(r.out.str(), "stdout");
  REQUIRE(j);
  CHECK((*j)["runtime"] == "Python3.10");
  CHECK((*j)["name"] == "demo");
  CHECK(std::filesystem::exists(s.path() / "demo" / "fstage.yaml"));
  CliRun again({"init", "demo", "-r", "python3.10"}, s.path());
  CHECK(again.code == cli::k_exit_exists);
}

TEST_CASE("cli::render_error follows the one format", "[cli]") {
  std::ostringstream err;
  cli::Context ctx;
  ctx.err = &err;
  ctx.color = cli::ColorMode::never;
  Error e(ErrorCode::io, "it broke", "try again");
  e.details = {"a.yaml:1:2: bad"};
  e.context = {"while testing"};
  cli::render_error(e, ctx);
  CHECK(
      err.str() ==
      "fstage: error: it broke\n  a.yaml:1:2: bad\n  caused by: while testing\nhint: try again\n");
}

TEST_CASE("named_command finds the command word past the root's options", "[cli]") {
  using V = std::vector<std::string>;
  CHECK(cli::named_command(V{"invoke", "hello"}) == "invoke");
  CHECK(cli::named_command(V{"-q", "-vv", "package"}) == "package");
  CHECK(cli::named_command(V{"--color", "never", "validate"}) == "validate");
  CHECK(cli::named_command(V{"--color=never", "deploy", "--dry-run"}) == "deploy");
  CHECK(cli::named_command(V{"--version"}).empty());
  CHECK(cli::named_command(V{"--", "invoke"}).empty());
  CHECK(cli::named_command(V{}).empty());
}

TEST_CASE("make_app builds the named command alone, or every command", "[cli]") {
  cli::Context ctx = cli::Context::real();
  auto names = [](const CLI::App& app) {
    std::vector<std::string> out;
    for (const auto* s : app.get_subcommands({})) {
      out.push_back(s->get_name());
    }
    return out;
  };
  CHECK(names(*cli::make_app(ctx, "invoke")) == std::vector<std::string>{"invoke"});
  // register_completion brings its hidden helper, __complete, along.
  CHECK(names(*cli::make_app(ctx, "completion")).size() == 2);
  auto all = names(*cli::make_app(ctx));
  CHECK(all.size() >= 15);
  CHECK(names(*cli::make_app(ctx, "invok")) == all);  // a typo: the tree to suggest from
  // A command built alone still parses and reports like the whole tree does.
  CliRun r({"-q", "invoke", "--frob"});
  CHECK(r.code == cli::k_exit_usage);
  CHECK(r.err.str().find("unknown option '--frob'") != std::string::npos);
}
