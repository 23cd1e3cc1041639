// SPDX-License-Identifier: Apache-2.0
// Bad input through the whole CLI ends in exit 3 (with file:line:column) or 7 (over a size
// limit), never in "internal error" (70).
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "test_support.hpp"

using fstage::test::CliRun;
using fstage::test::Scratch;
using namespace fstage;

namespace {

// The Python fixture project: commands run there find its fstage.yaml themselves.
const std::filesystem::path k_project =
    std::filesystem::path(FSTAGE_SOURCE_DIR) / "tests/fixtures/functions/python";

bool has(const std::ostringstream& s, const std::string& needle) {
  return s.str().find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("cli invoke: an event number no double holds is exit 3 at its position",
          "[invoke][limits]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "e.json", "{\n  \"a\": 1e400\n}\n"));
  CliRun r({"invoke", "hello", "-e", (s.path() / "e.json").string()}, k_project);
  CHECK(r.code == cli::k_exit_invalid_input);
  CHECK(has(r.err, "e.json:2:8: the number 1e400 is out of range"));
  CHECK_FALSE(has(r.err, "internal error"));
}

TEST_CASE("cli invoke: an event nested too deep is exit 3 at its position", "[invoke][limits]") {
  Scratch s;
  const std::string deep =
      std::string(k_max_json_depth + 1, '[') + std::string(k_max_json_depth + 1, ']');
  REQUIRE(write_file_atomic(s.path() / "deep.json", deep));
  CliRun r({"invoke", "hello", "-e", (s.path() / "deep.json").string()}, k_project);
  CHECK(r.code == cli::k_exit_invalid_input);
  CHECK(has(r.err, "deep.json:1:10001: JSON nested more than 10000 levels deep"));
}

TEST_CASE("cli invoke: an event from /dev/zero stops at the platform's 6 MB", "[invoke][limits]") {
  auto start = std::chrono::steady_clock::now();
  CliRun r({"invoke", "hello", "-e", "/dev/zero"}, k_project);
  CHECK(r.code == cli::k_exit_limit);
  CHECK(has(r.err, "/dev/zero is larger than 6 MB (6291456 bytes)"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("cli validate: /dev/zero and a huge manifest end at once with exit 7",
          "[validate][limits]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "fstage.yaml", std::string(5 << 20, '#')));
  for (const std::string& file : {std::string("/dev/zero"), (s.path() / "fstage.yaml").string()}) {
    auto start = std::chrono::steady_clock::now();
    CliRun r({"validate", "-f", file}, s.path());
    CHECK(r.code == cli::k_exit_limit);
    CHECK(has(r.err, "larger than 4 MB (4194304 bytes)"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CliRun j({"validate", "--json", "-f", file}, s.path());
    CHECK(j.code == cli::k_exit_limit);
    auto out = parse_json(j.out.str(), "stdout");
    REQUIRE(out);
    // Not the manifest's content: the error shape every command prints under --json.
    CHECK((*out)["error"]["code"] == "limit");
    CHECK((*out)["exit_code"] == cli::k_exit_limit);
  }
}
