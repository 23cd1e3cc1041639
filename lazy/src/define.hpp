// SPDX-License-Identifier: Apache-2.0
// FSTAGE_LAZY(LIB, RET, NAME, (PARAMS), (ARGS)) defines NAME with C linkage, forwarding to the
// library's own NAME, looked up on the first call. decltype(NAME) takes the exact type from
// the library's header, so a wrapper whose parameters drift from it does not compile.
#pragma once

#include <fstage/lazy/lazy.hpp>

#define FSTAGE_LAZY(LIB, RET, NAME, PARAMS, ARGS)                                      \
  RET NAME PARAMS {                                                                    \
    static auto* const real =                                                          \
        ::fstage::lazy::function<decltype(NAME)>(::fstage::lazy::Library::LIB, #NAME); \
    return real ARGS;                                                                  \
  }
