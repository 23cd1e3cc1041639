// SPDX-License-Identifier: Apache-2.0
// Splitting a shared pipe's bytes at an invocation's end marker: before it the invocation's,
// after it the next one's, whatever the reads cut (the marker across reads, in one read with
// both sides, never coming); and InstanceOutput, which does it for an instance's stdout and
// stderr across queued invocations, over real pipes.
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "output_split.hpp"
#include "transport.hpp"

using fstage::sandbox::detail::end_marker;
using fstage::sandbox::detail::InstanceOutput;
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

namespace {

// A non-blocking pipe, as the sandbox's stdout and stderr are.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe2(fd, O_NONBLOCK | O_CLOEXEC) == 0); }
  ~Pipe() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  void write(const std::string& s) const {
    REQUIRE(::write(fd[1], s.data(), s.size()) == static_cast<ssize_t>(s.size()));
  }
};

}  // namespace

TEST_CASE("instance output: two queued invocations' stdout and stderr, each to its own logs",
          "[sandbox][pipeline]") {
  Pipe out;
  Pipe err;
  std::vector<std::string> seen;  // on_output's chunks, in order
  const InstanceOutput::Sink sink = [&](std::string_view c) { seen.emplace_back(c); };
  InstanceOutput o(&sink);
  const std::string m1 = end_marker("req-1");
  const std::string m2 = end_marker("req-2");
  // req-1 runs with req-2 queued behind it: the shim ends each one's output with its marker,
  // and req-2 prints before req-1's answer is even read.
  std::string logs1;
  o.take_carried(logs1, "");
  o.expect(m1);
  out.write("one out\n" + m1 + "two out\n");
  err.write("one err\n");
  o.drain(out.fd[0], err.fd[0], logs1);
  err.write(m1 + "two err\n" + m2);
  o.end_marked(out.fd[0], err.fd[0], logs1);  // req-1 answered: read once more for its marker
  CHECK(logs1 == "one out\none err\n");
  // req-2 becomes the running one: what came after req-1's markers is its, up to its own.
  std::string logs2;
  o.take_carried(logs2, m2);
  out.write("two more\n" + m2 + "three\n");
  o.end_marked(out.fd[0], err.fd[0], logs2);
  CHECK(logs2 == "two out\ntwo err\ntwo more\n");
  std::string all;
  for (const auto& c : seen) {
    all += c;
  }
  CHECK(all == logs1 + logs2);  // on_output saw the same bytes, never a marker
  // An instance that ends forgets what it kept: the next one starts clean.
  o.clear();
  std::string logs3;
  o.take_carried(logs3, "");
  CHECK(logs3.empty());
  out.write("fresh\n");
  o.drain(out.fd[0], -1, logs3);
  CHECK(logs3 == "fresh\n");
}

TEST_CASE("instance output: a pipe the function closed has no marker, and nothing waits for it",
          "[sandbox][pipeline]") {
  Pipe out;
  int err[2];
  REQUIRE(::pipe2(err, O_NONBLOCK | O_CLOEXEC) == 0);
  ::close(err[1]);  // the function closed its stderr
  InstanceOutput o(nullptr);
  std::string logs;
  o.expect(end_marker("req-1"));
  out.write("out\n" + end_marker("req-1"));
  o.end_marked(out.fd[0], err[0], logs);
  CHECK(logs == "out\n");
  std::string next;
  o.take_carried(next, "");
  CHECK(next.empty());
  ::close(err[0]);
}
