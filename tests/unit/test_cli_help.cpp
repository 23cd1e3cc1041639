// SPDX-License-Identifier: Apache-2.0
// help, the man page, completion and the verbosity levels: what `fstage help ...` and the
// generated files say, from the one command tree.
#include <algorithm>
#include <string>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "../../cli/src/completion_model.hpp"
#include "../../cli/src/environment.hpp"
#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::Scratch;
using namespace fstage;

TEST_CASE("help COMMAND prints what COMMAND --help prints, named as typed", "[cli][help]") {
  CliRun topic({"help", "invoke"});
  CHECK(topic.code == 0);
  CHECK(has(topic.out, "Usage: fstage invoke [OPTIONS]"));
  CliRun flag({"invoke", "--help"});
  CHECK(topic.out.str() == flag.out.str());
  CliRun nested({"help", "remote", "invoke"});
  CHECK(nested.code == 0);
  CHECK(has(nested.out, "Usage: fstage remote invoke [OPTIONS]"));
  CHECK(nested.out.str() == CliRun({"remote", "invoke", "--help"}).out.str());
}

TEST_CASE("help with an unknown topic lists the topics, none of them hidden", "[cli][help]") {
  CliRun r({"help", "nosuch"});
  CHECK(r.code == cli::k_exit_usage);
  CHECK(has(r.err, "no help topic 'nosuch'"));
  CHECK(has(r.err, "invoke"));
  CHECK(has(r.err, "environment"));
  CHECK_FALSE(has(r.err, "__"));
  CliRun typo({"help", "invok"});
  CHECK(has(typo.err, "did you mean 'invoke'?"));
  CliRun deeper({"help", "remote", "nosuch"});
  CHECK(deeper.code == cli::k_exit_usage);
  CHECK(has(deeper.err, "in 'fstage remote'"));
  CHECK(has(deeper.err, "topics: list, info, invoke, logs, metrics, remove"));
}

TEST_CASE("help environment lists every variable of the table", "[cli][help]") {
  CliRun r({"help", "environment"});
  REQUIRE(r.code == 0);
  for (const auto& v : cli::environment_table()) {
    INFO(v.name);
    CHECK(has(r.out, std::string(v.name) + " "));
  }
  CliRun j({"help", "environment", "--json"});
  auto parsed = parse_json(j.out.str(), "stdout");
  REQUIRE(parsed);
  CHECK(parsed->size() == cli::environment_table().size());
}

TEST_CASE("the man page lists every command, option and environment variable", "[cli][help]") {
  CliRun r({"help", "--man"});
  REQUIRE(r.code == 0);
  const std::string man = r.out.str();
  CHECK(man.starts_with(".TH FSTAGE 1"));
  for (const auto& v : cli::environment_table()) {
    INFO(v.name);
    CHECK(man.find(".B " + std::string(v.name) + "\n") != std::string::npos);
  }
  for (const char* s : {"fstage invoke", "fstage remote invoke", "\\-\\-file", "EXIT STATUS",
                        "\\-\\-no\\-version\\-warning"}) {
    INFO(s);
    CHECK(man.find(s) != std::string::npos);
  }
  // Hidden spellings kept for compatibility are not documented.
  CHECK(man.find("\\-\\-manifest") == std::string::npos);
  CHECK(man.find("__complete") == std::string::npos);
}

TEST_CASE("completion offers for init --runtime exactly what init accepts", "[cli][completion]") {
  cli::Context ctx = cli::Context::real();
  auto app = cli::make_app(ctx);
  auto model = cli::completion_model(*app);
  std::vector<std::string> offered;
  for (const auto* c : cli::flatten(model)) {
    if (c->path != "init") {
      continue;
    }
    for (const auto& o : c->options) {
      if (std::find(o.names.begin(), o.names.end(), "--runtime") != o.names.end()) {
        offered = o.value.words;
      }
    }
  }
  REQUIRE(offered.size() >= 10);
  // The runtimes no template supports are not offered...
  for (const char* rejected : {"Python2.7", "Python3.12", "Node.js8.10", "Java21", "python2"}) {
    INFO(rejected);
    CHECK(std::find(offered.begin(), offered.end(), rejected) == offered.end());
  }
  // ...and each one offered scaffolds a project.
  Scratch s;
  int n = 0;
  for (const auto& word : offered) {
    CliRun r({"init", "p" + std::to_string(n++), "-r", word}, s.path());
    INFO(word << ": " << r.err.str());
    CHECK(r.code == 0);
  }
}

TEST_CASE("hidden options are neither completed nor listed", "[cli][completion]") {
  cli::Context ctx = cli::Context::real();
  auto app = cli::make_app(ctx);
  auto model = cli::completion_model(*app);
  for (const auto* c : cli::flatten(model)) {
    for (const auto& o : c->options) {
      INFO(c->path);
      CHECK(std::find(o.names.begin(), o.names.end(), "--manifest") == o.names.end());
    }
  }
}

TEST_CASE("cli verbosity: -v counts, -vv shows more than -v, -q and -v exclude each other",
          "[cli]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml",
                            "name: p\nfunctions:\n  f:\n    runtime: Python3.10\n"
                            "    handler: index.handler\n    code: .\n"));
  REQUIRE(write_file_atomic(s.path() / "index.py", "def handler(e, c):\n    return 1\n"));
  CliRun v({"-v", "validate"}, s.path());
  CliRun vv({"-vv", "validate"}, s.path());
  CliRun vvv({"-vvv", "validate"}, s.path());
  REQUIRE(v.code == 0);
  REQUIRE(vv.code == 0);
  CHECK_FALSE(has(v.err, "fstage: manifest "));
  CHECK(has(vv.err, "fstage: manifest " + (s.path() / "fstage.yaml").string()));
  CHECK(has(vv.err, "fstage: exit 0 after "));
  CHECK(vvv.err.str().size() > v.err.str().size());
  CliRun both({"-q", "-v", "validate"}, s.path());
  CHECK(both.code == cli::k_exit_usage);
  CHECK(has(both.err, "-q and -v contradict each other"));
}
