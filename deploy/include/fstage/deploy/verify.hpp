// SPDX-License-Identifier: Apache-2.0
#pragma once

// Checking a request signed the way the SDKs sign (signer.hpp, PLATFORM.md §5.2) against the
// local credentials: what `fstage serve` does with a signed request to the platform's routes,
// so that a program using the official SDK, pointed at serve, is checked as the cloud would
// check it (and an unsigned one is simply accepted: serve is a local emulator).

#include <chrono>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/signer.hpp>

namespace fstage::deploy {

struct ReceivedRequest {
  std::string method;
  std::string path;  // as received, without the query (decoded or not: each segment is escaped)
  Pairs query;       // decoded
  Pairs headers;     // as received, any case
  std::string body;
};

// The request carries an Authorization header.
bool is_signed(const ReceivedRequest& r);

// How far X-Sdk-Date may be from `now`, either way, as the API allows.
inline constexpr std::chrono::minutes k_max_clock_skew{15};

// Checks the SDK-HMAC-SHA256 Authorization of `r` against `c`: the algorithm, Access equal to
// c.access_key, every SignedHeaders entry present (X-Sdk-Date among them, within
// k_max_clock_skew of `now`), and the signature recomputed over the request (body hash from
// X-Sdk-Content-Sha256 when sent, else of the body) equal in constant time. Errors: auth, with
// what did not match; never a secret in the message.
Expected<void> verify_signature(const ReceivedRequest& r, const Credentials& c,
                                std::chrono::system_clock::time_point now);

}  // namespace fstage::deploy
