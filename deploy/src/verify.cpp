// SPDX-License-Identifier: Apache-2.0
// The receiving side of signer.cpp: parse the Authorization header, rebuild the canonical
// request from what arrived, and compare.
#include <algorithm>
#include <cstdint>
#include <ctime>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/verify.hpp>

namespace fstage::deploy {

namespace {

const std::string* header(const Pairs& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (to_lower(k) == name) {
      return &v;
    }
  }
  return nullptr;
}

Error rejected(std::string message) {
  Error e(ErrorCode::auth, "signature rejected: " + std::move(message));
  e.hint =
      "sign with the access key of the local profile (fstage configure), or send the request "
      "unsigned: fstage serve accepts unsigned requests";
  return e;
}

// "20191115T033655Z" -> seconds since the epoch, or -1.
std::int64_t parse_sdk_date(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || ::strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) {
    return -1;
  }
  return static_cast<std::int64_t>(::timegm(&tm));
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

bool is_signed(const ReceivedRequest& r) {
  return header(r.headers, "authorization") != nullptr;
}

Expected<void> verify_signature(const ReceivedRequest& r, const Credentials& c,
                                std::chrono::system_clock::time_point now) {
  const std::string* auth = header(r.headers, "authorization");
  if (auth == nullptr) {
    return fail(rejected("no Authorization header"));
  }
  std::string_view text = *auth;
  if (!text.starts_with(k_sign_algorithm) || text.size() == k_sign_algorithm.size() ||
      text[k_sign_algorithm.size()] != ' ') {
    return fail(rejected("the Authorization header is not " + std::string(k_sign_algorithm)));
  }
  std::string access;
  std::string signed_names;
  std::string given;
  for (const auto& part : split(text.substr(k_sign_algorithm.size() + 1), ',')) {
    std::string_view p = trim(part);
    auto eq = p.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    std::string_view key = p.substr(0, eq);
    std::string value(p.substr(eq + 1));
    if (key == "Access") {
      access = value;
    } else if (key == "SignedHeaders") {
      signed_names = value;
    } else if (key == "Signature") {
      given = value;
    }
  }
  if (access.empty() || signed_names.empty() || given.empty()) {
    return fail(rejected("the Authorization header needs Access, SignedHeaders and Signature"));
  }
  if (c.access_key.empty() || !equal_constant_time(access, c.access_key)) {
    return fail(rejected("the access key is not the local profile's (" + c.source + ")"));
  }
  SignInput in;
  in.method = r.method;
  in.path = r.path;
  in.query = r.query;
  bool dated = false;
  for (const auto& name : split(signed_names, ';')) {
    const std::string* v = header(r.headers, name);
    if (v == nullptr) {
      return fail(rejected("signed header " + quote(name) + " is missing"));
    }
    dated = dated || name == "x-sdk-date";
    in.headers.emplace_back(name, *v);
  }
  if (!dated) {
    return fail(rejected("X-Sdk-Date is not among the signed headers"));
  }
  const std::string* date = header(r.headers, "x-sdk-date");
  const std::int64_t at = parse_sdk_date(*date);
  if (at < 0) {
    return fail(rejected("X-Sdk-Date " + quote(*date) + " is not YYYYMMDDTHHMMSSZ"));
  }
  const auto skew = std::chrono::seconds(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() - at);
  if (skew > k_max_clock_skew || -skew > k_max_clock_skew) {
    return fail(rejected("X-Sdk-Date " + *date + " is more than 15 minutes from now"));
  }
  const std::string* body_hash = header(r.headers, "x-sdk-content-sha256");
  // The SDKs may sign the literal UNSIGNED-PAYLOAD in place of the body's hash.
  in.body_sha256 = body_hash != nullptr ? *body_hash : sha256_hex(r.body);
  if (body_hash != nullptr && *body_hash != "UNSIGNED-PAYLOAD" &&
      !equal_constant_time(to_lower(*body_hash), sha256_hex(r.body))) {
    return fail(rejected("X-Sdk-Content-Sha256 is not the body's SHA-256"));
  }
  const std::string want = signature(c.secret_key, string_to_sign(canonical_request(in), *date));
  if (!equal_constant_time(to_lower(given), want)) {
    return fail(
        rejected("the signature does not match the request (method, path, query, "
                 "signed headers and body as received)"));
  }
  return {};
}

}  // namespace fstage::deploy
