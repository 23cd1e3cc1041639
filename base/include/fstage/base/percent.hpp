// SPDX-License-Identifier: Apache-2.0
// Percent-encoding (RFC 3986 §2.1), the one encoder for URL paths, query strings, signed
// canonical requests and OBS event keys.
#pragma once

#include <string>
#include <string_view>

namespace fstage {

// The unreserved characters (A-Z a-z 0-9 - . _ ~) and those in `keep` as they are, every other
// byte as %XX (upper-case hex); with `space_as_plus`, ' ' as '+' (form encoding, as the
// platform's OBS events carry object keys).
std::string percent_encode(std::string_view s, std::string_view keep = {},
                           bool space_as_plus = false);

}  // namespace fstage
