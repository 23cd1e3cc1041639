// SPDX-License-Identifier: Apache-2.0
// A command cut short by SIGINT or SIGTERM says so in one line and exits 130, whatever it was
// doing; here, a build step that signals fstage itself.
#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::Scratch;
using namespace fstage;

TEST_CASE("cli::run: a signal during a command ends it with exit 130 and one line",
          "[cli][interrupt]") {
  const auto [sig, name] = GENERATE(std::pair<const char*, const char*>{"INT", "SIGINT"},
                                    std::pair<const char*, const char*>{"TERM", "SIGTERM"});
  Scratch s;
  // $PPID of the build's shell is this process, where cli::run handles the signal.
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml",
                            std::string("name: demo\nfunctions:\n  hello:\n    runtime: Custom\n"
                                        "    handler: bootstrap\n    code: .\n    build: kill -") +
                                sig + " $PPID; sleep 30\n"));
  REQUIRE(write_file_atomic(s.path() / "bootstrap", "#!/bin/sh\n", 0755));
  CliRun r({"package"}, s.path());
  CHECK(r.code == cli::k_exit_interrupted);
  // The build's status line, then the interruption: one line and what it left, no "error:".
  CHECK(r.err.str().ends_with(std::string("\nfstage: interrupted by ") + name +
                              "\n  no artifact was written\n"));
  CHECK(r.err.str().find("error") == std::string::npos);
  CHECK(r.out.str().empty());
  CHECK_FALSE(std::filesystem::exists(s.path() / ".fstage" / "dist" / "hello.zip"));
  CHECK_FALSE(std::filesystem::exists(s.path() / ".fstage" / "build" / "hello" / "staging"));
}
