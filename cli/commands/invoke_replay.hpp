// SPDX-License-Identifier: Apache-2.0
#pragma once
// `fstage invoke --replay REQUEST_ID`: a request a running `fstage serve` kept
// (GET /_fstage/requests/{id}), fetched to be run again locally.
#include <filesystem>
#include <map>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>

namespace fstage::cli {

struct ReplayedRequest {
  std::string request_id;
  std::string function;
  std::string event;
  std::map<std::string, std::string> headers;  // X-CFF-* as the function got them
  std::string from;                            // the serve URL it came from
};

// Where serve is: `url` when given; else the "url" of <project>/.fstage/serve.json (written
// by a running serve); else serve's default, http://127.0.0.1:8080. Errors: network (no serve
// there: the hint says how to point at it), not_found (serve does not keep that request),
// invalid_input (an answer that is not a kept request).
Expected<ReplayedRequest> fetch_replay(const Context& ctx, const std::string& request_id,
                                       const std::string& url,
                                       const std::filesystem::path& project_root);

}  // namespace fstage::cli
