// SPDX-License-Identifier: Apache-2.0
// The few roundings fstage needs, without libm: the executable links no libm at all, because
// every shared library a program needs costs each start (mapping it, relocating it, its ifunc
// resolvers touching their pages: 0.23 ms here), and `fstage invoke` starts for every call.
#pragma once

#include <cstdint>

namespace fstage {

// `v` rounded half away from zero to `decimals` places (0 to 9); `v` itself when that does
// not fit a 64-bit integer (or is not a number).
double round_to(double v, int decimals);

// The smallest integer not less than `v`; clamped to the int64 range (NaN gives 0).
std::int64_t ceil_to_int(double v);

// 64 bits from the kernel's random pool (getrandom), to seed a generator. Not
// std::random_device, whose set-up asks the CPU what it offers (cpuid, which a virtual
// machine traps): 70 us here against 3.
std::uint64_t random_seed();

}  // namespace fstage
