// SPDX-License-Identifier: Apache-2.0
// Bounded reads: a file, a pipe or a device never gives more than the limit, and what is too
// big fails at once with a limit error that says why.
#include <chrono>
#include <fcntl.h>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/read.hpp>

#include "test_support.hpp"
#include <sys/stat.h>

using namespace fstage;
using fstage::test::Scratch;

namespace {

bool has(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

const ReadLimit k_small{100, "the test's limit is 100 bytes", "make it smaller"};

}  // namespace

TEST_CASE("read_file returns a file within the limit", "[base][read]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "a", std::string(100, 'x')));
  auto r = read_file(s.path() / "a", k_small);
  REQUIRE(r);
  CHECK(*r == std::string(100, 'x'));
  CHECK(read_file(s.path() / "missing", k_small).error().code == ErrorCode::not_found);
}

TEST_CASE("read_file refuses a regular file over the limit without reading it", "[base][read]") {
  Scratch s;
  REQUIRE(write_file_atomic(s.path() / "big", std::string(101, 'x')));
  auto r = read_file(s.path() / "big", k_small);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::limit);
  CHECK(has(r.error().message, "big is 101 bytes, larger than 100 bytes;"));
  CHECK(has(r.error().message, "the test's limit is 100 bytes"));
  CHECK(r.error().hint == "make it smaller");
}

TEST_CASE("read_file stops reading /dev/zero at the limit", "[base][read]") {
  const auto start = std::chrono::steady_clock::now();
  auto r = read_file("/dev/zero", ReadLimit{std::size_t{4} << 20, "a rule"});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::limit);
  CHECK(has(r.error().message, "/dev/zero is larger than 4 MB (4194304 bytes)"));
  CHECK(has(r.error().message, "not a regular file"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  // The default limit applies when none is given.
  auto d = read_file("/dev/zero");
  REQUIRE_FALSE(d);
  CHECK(d.error().code == ErrorCode::limit);
}

TEST_CASE("read_file reads a pipe up to the limit", "[base][read]") {
  Scratch s;
  const auto fifo = s.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // At most PIPE_BUF (4096) bytes: one write that the pipe takes whole, so the writer is done
  // before the reader stops early.
  for (std::size_t size : {std::size_t{100}, std::size_t{4000}}) {
    ssize_t written = 0;
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      const std::string data(size, 'p');
      written = ::write(fd, data.data(), data.size());
      ::close(fd);
    });
    auto r = read_file(fifo, k_small);
    writer.join();
    CHECK(written == static_cast<ssize_t>(size));
    if (size <= 100) {
      REQUIRE(r);
      CHECK(r->size() == size);
    } else {
      REQUIRE_FALSE(r);
      CHECK(r.error().code == ErrorCode::limit);
    }
  }
}

TEST_CASE("read_file names a directory", "[base][read]") {
  Scratch s;
  auto r = read_file(s.path(), k_small);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::io);
  CHECK(has(r.error().message, "is a directory"));
}

TEST_CASE("read_stream is bounded too", "[base][read]") {
  std::istringstream ok(std::string(100, 'x'));
  auto r = read_stream(ok, "<stdin>", k_small);
  REQUIRE(r);
  CHECK(r->size() == 100);
  std::istringstream big(std::string(100000, 'x'));
  auto b = read_stream(big, "<stdin>", k_small);
  REQUIRE_FALSE(b);
  CHECK(b.error().code == ErrorCode::limit);
  CHECK(has(b.error().message, "<stdin> is larger than 100 bytes"));
}

TEST_CASE("size_text speaks of sizes as limits are written", "[base][read]") {
  CHECK(size_text(6291456) == "6 MB (6291456 bytes)");
  CHECK(size_text(4096) == "4 KB (4096 bytes)");
  CHECK(size_text(100) == "100 bytes");
}

TEST_CASE("read_line is getline with a bound", "[base][read]") {
  std::istringstream in("ak\nsk\n\nlast");
  std::string line;
  CHECK(read_line(in, line, 10));
  CHECK(line == "ak");
  CHECK(read_line(in, line, 10));
  CHECK(line == "sk");
  CHECK(read_line(in, line, 10));
  CHECK(line.empty());
  CHECK(read_line(in, line, 10));
  CHECK(line == "last");
  CHECK_FALSE(read_line(in, line, 10));
  std::istringstream endless(std::string(100000, '\0'));
  CHECK_FALSE(read_line(endless, line, 10));
  CHECK(line.empty());
  CHECK_FALSE(read_line(endless, line, 10));
}
