// SPDX-License-Identifier: Apache-2.0
#include <limits>

#include <fstage/base/numbers.hpp>

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

}  // namespace fstage
