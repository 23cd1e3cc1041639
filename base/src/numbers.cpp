// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <limits>

#include <fstage/base/numbers.hpp>

#include <sys/random.h>

namespace fstage {

namespace {

// 2^63 as a double, exactly: every double below it in magnitude converts to int64.
constexpr double k_int64_limit = 9223372036854775808.0;

}  // namespace

double round_to(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals && i < 9; ++i) {
    scale *= 10;
  }
  const double s = v * scale;
  if (!(s > -k_int64_limit + 1 && s < k_int64_limit - 1)) {
    return v;  // too large to have decimals left, or NaN
  }
  auto n = static_cast<std::int64_t>(s);           // toward zero
  const double rest = s - static_cast<double>(n);  // exact: no bits are lost
  if (rest >= 0.5) {
    ++n;
  } else if (rest <= -0.5) {
    --n;
  }
  return static_cast<double>(n) / scale;
}

std::int64_t ceil_to_int(double v) {
  if (v != v) {
    return 0;
  }
  if (v >= k_int64_limit) {
    return std::numeric_limits<std::int64_t>::max();
  }
  if (v <= -k_int64_limit) {
    return std::numeric_limits<std::int64_t>::min();
  }
  const auto t = static_cast<std::int64_t>(v);  // toward zero
  return static_cast<double>(t) < v ? t + 1 : t;
}

std::uint64_t random_seed() {
  std::uint64_t seed = 0;
  if (::getrandom(&seed, sizeof(seed), 0) == static_cast<ssize_t>(sizeof(seed))) {
    return seed;
  }
  // No getrandom (before Linux 3.17, or a seccomp filter refusing it): the clock will do for
  // request ids and retry jitter, which is all this seeds.
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
         static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

}  // namespace fstage
