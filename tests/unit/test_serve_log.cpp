// SPDX-License-Identifier: Apache-2.0
// The gateway's log: lines from many threads at once come out whole, each once, and in order
// per thread (the writer batches what arrives while it writes).
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/strings.hpp>
#include <fstage/serve/log.hpp>

using namespace fstage;
using namespace fstage::serve;

TEST_CASE("Logger writes every line whole and in order from concurrent threads", "[serve]") {
  std::ostringstream out;
  Logger log(out, false, false);
  constexpr int k_threads = 8;
  constexpr int k_lines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < k_lines; ++i) {
        log.event("info", "thread " + std::to_string(t) + " line " + std::to_string(i));
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  std::map<int, int> next;  // thread -> the line number expected next
  int total = 0;
  for (const auto& line : split(out.str(), '\n')) {
    if (line.empty()) {
      continue;
    }
    auto at = line.find(" thread ");
    REQUIRE(at != std::string::npos);
    int t = 0;
    int i = 0;
    REQUIRE(std::sscanf(line.c_str() + at, " thread %d line %d", &t, &i) == 2);
    CHECK(i == next[t]);
    next[t] = i + 1;
    ++total;
  }
  CHECK(total == k_threads * k_lines);
  CHECK(out.str().back() == '\n');
}
