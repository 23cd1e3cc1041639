// SPDX-License-Identifier: Apache-2.0
// Which function a warning is about (Diagnostic::function), and the hint of a validation
// error: the diagnostic's own fix.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::has;
using fstage::test::Scratch;
using namespace fstage;

TEST_CASE("validation errors hint at the fix, never 'fix it'", "[manifest][cli]") {
  Scratch s;
  const auto file = s.path() / "fstage.yaml";
  REQUIRE(write_file_atomic(
      file, "name: p\nfunctions:\n  a: {runtime: Python3.10, handler: index.h, memory: 100}\n"));
  auto m = manifest::load_manifest(file, "fstage.yaml");
  REQUIRE_FALSE(m);
  CHECK(m.error().hint.find("fix it") == std::string::npos);
  CHECK(m.error().hint.starts_with("write one of 128, 256"));
  CHECK(m.error().hint.find("at fstage.yaml:3:") != std::string::npos);
}

TEST_CASE("warnings about one function are not printed for another", "[manifest][cli]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "index.py", "def h(e, c):\n    return 1\n"));
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml",
                            "name: p\nfunctions:\n"
                            "  a:\n    runtime: Python3.10\n    handler: index.h\n"
                            "  b:\n    runtime: Python3.10\n    handler: index.h\n"
                            "    initializer_timeout: 5\n"));
  auto m = manifest::load_manifest(s.path() / "fstage.yaml");
  REQUIRE(m);
  REQUIRE(m->warnings.size() == 1);
  CHECK(m->warnings.front().function == "b");
  CHECK(m->warnings_for("a").empty());
  CHECK(m->warnings_for("b").size() == 1);
  CliRun a({"package", "a", "--list"}, s.path());
  CHECK(a.code == 0);
  CHECK_FALSE(has(a.err, "initializer_timeout"));
  CliRun b({"package", "b", "--list"}, s.path());
  CHECK(has(b.err, "functions.b.initializer_timeout"));
}
