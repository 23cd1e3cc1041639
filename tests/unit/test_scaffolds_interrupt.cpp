// SPDX-License-Identifier: Apache-2.0
// init interrupted by SIGINT/SIGTERM leaves nothing: the project is written in a staging copy,
// and nothing is moved into place once a signal has come.
#include <csignal>

#include <catch2/catch.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/scaffolds/init.hpp>

#include "test_support.hpp"

using namespace fstage;
namespace stdfs = std::filesystem;

TEST_CASE("scaffolds::init_project writes nothing once interrupted", "[scaffolds][interrupt]") {
  test::Scratch s;
  scaffolds::InitRequest r;
  r.runtime = "python3.10";
  const bool exists = GENERATE(false, true);
  r.dir = s.path() / "app";
  if (exists) {
    stdfs::create_directory(r.dir);
  }
  InterruptScope scope;
  note_interrupt(SIGINT);
  auto made = scaffolds::init_project(r);
  REQUIRE_FALSE(made);
  CHECK(made.error().code == ErrorCode::interrupted);
  CHECK(stdfs::exists(r.dir) == exists);
  if (exists) {
    CHECK(stdfs::is_empty(r.dir));
  }
  CHECK(std::distance(stdfs::directory_iterator(s.path()), {}) == (exists ? 1 : 0));
}
