// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <utility>

#include <fstage/base/strings.hpp>
#include <fstage/serve/cors.hpp>

namespace fstage::serve {

namespace {

// API Gateway user guide, apig_03_0088 ("x-apigateway-cors"), the table of added headers.
const std::pair<const char*, const char*> k_cors_headers[] = {
    {"Access-Control-Max-Age", "172800"},
    {"Access-Control-Allow-Origin", "*"},
    {"Access-Control-Allow-Headers",
     "X-Sdk-Date,X-Sdk-Nonce,X-Proxy-Signed-Headers,X-Sdk-Content-Sha256,X-Forwarded-For,"
     "Authorization,Content-Type,Accept,Accept-Ranges,Cache-Control,Range"},
    {"Access-Control-Allow-Methods", "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH"},
};

}  // namespace

std::optional<std::string> preflight_method(const HttpRequestData& request) {
  if (request.method != "OPTIONS" || find_header(request, "origin") == nullptr) {
    return std::nullopt;
  }
  const std::string* asked = find_header(request, "access-control-request-method");
  if (asked == nullptr || trim(*asked).empty()) {
    return std::nullopt;
  }
  std::string m(trim(*asked));
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return m;
}

void add_cors_headers(HttpResponseData& response) {
  for (const auto& [name, value] : k_cors_headers) {
    const std::string lower = to_lower(name);
    bool present = std::any_of(response.headers.begin(), response.headers.end(),
                               [&](const auto& h) { return to_lower(h.first) == lower; });
    if (!present) {
      response.headers.emplace_back(name, value);
    }
  }
}

HttpResponseData preflight_response(const std::string& request_id) {
  HttpResponseData r;
  r.status = 200;
  r.headers.emplace_back("X-Request-Id", request_id);
  add_cors_headers(r);
  return r;
}

}  // namespace fstage::serve
