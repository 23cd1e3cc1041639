// SPDX-License-Identifier: Apache-2.0
#include "event_input.hpp"

#include <iostream>

#include <fstage/base/json.hpp>
#include <fstage/base/read.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::cli {

Expected<std::string> read_event_input(const Context& ctx, const std::string& file) {
  const ReadLimit limit{sandbox::k_max_request_bytes,
                        "the platform's limit for a synchronous request body is 6 MB",
                        "pass large data by reference (an OBS object) instead"};
  std::string text = file == "-" ? FSTAGE_TRY(read_stream(std::cin, "<stdin>", limit))
                                 : FSTAGE_TRY(read_file(ctx.resolve(file), limit));
  strip_bom(text);
  return text;
}

}  // namespace fstage::cli
