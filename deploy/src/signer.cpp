// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <ctime>

#include <fstage/base/percent.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/signer.hpp>

namespace fstage::deploy {

namespace {

// The headers lower-cased and trimmed, sorted by name (stable for repeated names).
Pairs normalised(const Pairs& headers) {
  Pairs out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    out.emplace_back(to_lower(name), std::string(trim(value)));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace

std::string uri_escape(std::string_view s) {
  return percent_encode(s);
}

std::string canonical_uri(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    out += uri_escape(path.substr(start, slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    out.push_back('/');
    start = slash + 1;
  }
  if (out.empty() || out.back() != '/') {
    out.push_back('/');
  }
  return out;
}

std::string canonical_query(const Pairs& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) {
    enc.emplace_back(uri_escape(k), uri_escape(v));
  }
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += k + "=" + v;
  }
  return out;
}

std::string canonical_headers(const Pairs& headers) {
  std::string out;
  for (const auto& [name, value] : normalised(headers)) {
    out += name + ":" + value + "\n";
  }
  return out;
}

std::string signed_headers(const Pairs& headers) {
  std::string out;
  for (const auto& [name, value] : normalised(headers)) {
    if (!out.empty()) {
      out.push_back(';');
    }
    out += name;
  }
  return out;
}

std::string canonical_request(const SignInput& in) {
  return in.method + "\n" + canonical_uri(in.path) + "\n" + canonical_query(in.query) + "\n" +
         canonical_headers(in.headers) + "\n" + signed_headers(in.headers) + "\n" + in.body_sha256;
}

std::string string_to_sign(std::string_view canonical_request, std::string_view sdk_date) {
  return std::string(k_sign_algorithm) + "\n" + std::string(sdk_date) + "\n" +
         sha256_hex(canonical_request);
}

std::string signature(std::string_view secret_key, std::string_view string_to_sign) {
  return hmac_sha256_hex(secret_key, string_to_sign);
}

std::string authorization(const SignInput& in, std::string_view access_key,
                          std::string_view secret_key) {
  std::string date;
  for (const auto& [name, value] : in.headers) {
    if (to_lower(name) == "x-sdk-date") {
      date = std::string(trim(value));
    }
  }
  const std::string sts = string_to_sign(canonical_request(in), date);
  return std::string(k_sign_algorithm) + " Access=" + std::string(access_key) +
         ", SignedHeaders=" + signed_headers(in.headers) +
         ", Signature=" + signature(secret_key, sts);
}

std::string format_sdk_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace fstage::deploy
