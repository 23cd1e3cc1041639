// SPDX-License-Identifier: Apache-2.0
#pragma once

// AK/SK request signing, SDK-HMAC-SHA256 (PLATFORM.md §5.2). Pure functions, no I/O: every step
// is exposed so unit tests can reproduce the published vectors (§5.3) stage by stage.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fstage::deploy {

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view k_sign_algorithm = "SDK-HMAC-SHA256";
// SHA-256 of the empty body.
inline constexpr std::string_view k_empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What gets signed. Everything is given unencoded; the signer does the encoding.
struct SignInput {
  std::string method;       // "GET", "POST"...
  std::string path;         // as sent: "/v2/<project>/fgs/functions/urn:fss:.../invocations"
  Pairs query;              // raw keys and values, any order, repeats allowed
  Pairs headers;            // exactly the headers to sign (any case); must hold X-Sdk-Date
  std::string body_sha256;  // hex SHA-256 of the exact body bytes sent
};

// Percent-encodes everything but the RFC 3986 unreserved characters A-Za-z0-9-_.~ (upper-case
// hex, space as %20).
std::string uri_escape(std::string_view s);

// Each '/'-separated segment escaped, then a trailing '/' appended when missing.
std::string canonical_uri(std::string_view path);

// "k=v" pairs, escaped, sorted by key then value, joined with '&'; "" when empty.
std::string canonical_query(const Pairs& query);

// "name:value\n" per header: lower-cased names, trimmed values, sorted by name.
std::string canonical_headers(const Pairs& headers);

// The lower-cased header names, sorted, joined with ';'.
std::string signed_headers(const Pairs& headers);

// METHOD \n URI \n QUERY \n HEADERS \n SIGNED \n BODYHASH.
std::string canonical_request(const SignInput& in);

// "SDK-HMAC-SHA256\n" + date + "\n" + hex(SHA-256(canonical_request)).
std::string string_to_sign(std::string_view canonical_request, std::string_view sdk_date);

// hex(HMAC-SHA256(secret_key, string_to_sign)).
std::string signature(std::string_view secret_key, std::string_view string_to_sign);

// The whole chain: the value of the Authorization header,
// "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>". The date is taken
// from the X-Sdk-Date header in `in.headers` ("" when missing, which no server accepts).
std::string authorization(const SignInput& in, std::string_view access_key,
                          std::string_view secret_key);

// UTC time as X-Sdk-Date wants it: YYYYMMDDTHHMMSSZ.
std::string format_sdk_date(std::chrono::system_clock::time_point t);

}  // namespace fstage::deploy
