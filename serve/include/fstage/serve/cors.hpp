// SPDX-License-Identifier: Apache-2.0
// API Gateway's CORS for an API that enables it (an APIG trigger's `cors: true`, the API's
// "CORS" option, x-apigateway-cors in its OpenAPI export). What the gateway adds is
// documented in the API Gateway user guide, apig_03_0088 ("x-apigateway-cors"): for an API
// with CORS enabled, Access-Control-Max-Age 172800, Access-Control-Allow-Origin *, and fixed
// Access-Control-Allow-Headers and -Methods lists are added to the response. The gateway also
// answers the browser's preflight (OPTIONS with Access-Control-Request-Method) for such an
// API itself; without CORS, no API answers OPTIONS and the preflight gets its 404.
#pragma once

#include <optional>
#include <string>

#include <fstage/serve/http_server.hpp>

namespace fstage::serve {

// The method a CORS preflight asks about: set for an OPTIONS request that carries Origin and
// Access-Control-Request-Method, else nullopt.
std::optional<std::string> preflight_method(const HttpRequestData& request);

// Adds the gateway's CORS headers to `response`, each one the response does not have already.
void add_cors_headers(HttpResponseData& response);

// The gateway's answer to a preflight for an API with CORS enabled: 200, no body.
HttpResponseData preflight_response(const std::string& request_id);

}  // namespace fstage::serve
