// SPDX-License-Identifier: Apache-2.0
// round_to and ceil_to_int agree with libm's round and ceil where fstage uses them.
#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include <fstage/base/numbers.hpp>

using fstage::ceil_to_int;
using fstage::round_to;

TEST_CASE("round_to rounds half away from zero like std::round", "[base][numbers]") {
  CHECK(round_to(1.2344, 3) == 1.234);
  CHECK(round_to(1.2345, 3) == std::round(1.2345 * 1000) / 1000);
  CHECK(round_to(-2.5, 0) == -3.0);
  CHECK(round_to(2.5, 0) == 3.0);
  CHECK(round_to(0.49999999999999994, 0) == 0.0);  // where adding 0.5 would round up
  CHECK(round_to(0.0, 3) == 0.0);
  for (double v : {0.0004, 0.0005, 12.3456789, 99.9995, 1e-9, 123456.78949, -7.0625}) {
    for (int d : {0, 1, 2, 3}) {
      const double scale = std::pow(10.0, d);
      INFO(v << " to " << d);
      CHECK(round_to(v, d) == std::round(v * scale) / scale);
    }
  }
}

TEST_CASE("round_to leaves what it cannot round alone", "[base][numbers]") {
  CHECK(round_to(1e300, 3) == 1e300);
  CHECK(std::isnan(round_to(std::nan(""), 3)));
  CHECK(std::isinf(round_to(std::numeric_limits<double>::infinity(), 3)));
}

TEST_CASE("ceil_to_int is std::ceil as an integer", "[base][numbers]") {
  for (double v : {0.0, 0.1, 0.9, 1.0, 1.0000001, 2.5, 100.0, -0.1, -1.0, -1.5, 1234.5678}) {
    INFO(v);
    CHECK(ceil_to_int(v) == static_cast<std::int64_t>(std::ceil(v)));
  }
  CHECK(ceil_to_int(1e30) == std::numeric_limits<std::int64_t>::max());
  CHECK(ceil_to_int(-1e30) == std::numeric_limits<std::int64_t>::min());
  CHECK(ceil_to_int(std::nan("")) == 0);
}

TEST_CASE("random_seed gives different seeds", "[base][numbers]") {
  // Equal by chance once in 2^64 draws: a repeat means the seed is not random.
  CHECK(fstage::random_seed() != fstage::random_seed());
}
