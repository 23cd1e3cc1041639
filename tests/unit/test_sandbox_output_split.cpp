// SPDX-License-Identifier: Apache-2.0
// Splitting a shared pipe's bytes at an invocation's end marker: before it the invocation's,
// after it the next one's, whatever the reads cut (the marker across reads, in one read with
// both sides, never coming).
#include <string>

#include <catch2/catch.hpp>

#include "output_split.hpp"
#include "transport.hpp"

using fstage::sandbox::detail::end_marker;
using fstage::sandbox::detail::OutputSplit;

TEST_CASE("output split: before the marker is this invocation's, after it the next's",
          "[sandbox][pipeline]") {
  const std::string m = end_marker("req-1");
  CHECK(m == std::string("\0fstage:end:req-1\n", 18));
  OutputSplit s;
  std::string mine;
  s.feed("printed before\n", mine);  // nothing expected: all of it
  CHECK(mine == "printed before\n");
  s.expect(m);
  CHECK(s.expecting());
  const std::string all = "a line\npartial" + m + "next's line\n";
  SECTION("in one read") {
    s.feed(all, mine);
  }
  SECTION("a byte at a time") {
    for (char c : all) {
      s.feed(std::string_view(&c, 1), mine);
    }
  }
  SECTION("cut inside the marker") {
    const std::size_t cut = all.find('\0') + 5;
    s.feed(std::string_view(all).substr(0, cut), mine);
    CHECK_FALSE(s.found());
    s.feed(std::string_view(all).substr(cut), mine);
  }
  CHECK(s.found());
  CHECK(mine == "printed before\na line\npartial");
  s.feed("more of the next\n", mine);
  CHECK(s.take_rest() == "next's line\nmore of the next\n");
  CHECK_FALSE(s.expecting());
  s.feed("after\n", mine);  // looking for nothing again
  CHECK(mine == "printed before\na line\npartialafter\n");
}

TEST_CASE("output split: a marker-like tail that is not the marker is output after all",
          "[sandbox][pipeline]") {
  OutputSplit s;
  s.expect(end_marker("req-2"));
  std::string mine;
  s.feed(std::string("x\0fstage:", 9), mine);
  CHECK(mine == "x");  // the rest may begin the marker
  s.feed("not it\n", mine);
  CHECK(mine == std::string("x\0fstage:not it\n", 16));
  s.feed(std::string("\0fst", 4), mine);
  std::string given;
  s.give_up(given);  // the function closed the pipe: no marker will come
  CHECK(given == std::string("\0fst", 4));
  CHECK_FALSE(s.expecting());
  CHECK(s.take_rest().empty());
}
