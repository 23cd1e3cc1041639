// SPDX-License-Identifier: Apache-2.0
// The API Gateway contract (PLATFORM.md §3): an HTTP request becomes the APIG event a function
// receives, and the function's {"statusCode","headers","body","isBase64Encoded"} answer
// becomes the HTTP response. Free of any HTTP library so it can be tested on its own.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fstage/sandbox/function.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/router.hpp>

namespace fstage::serve {

// The APIG event for `request` routed by `match`: lower-cased headers (repeated ones joined
// with ","), query and path parameters, the body base64-encoded with isBase64Encoded true
// (the platform's default), requestContext {apiId, requestId, stage, sourceIp}.
std::string build_apig_event(const HttpRequestData& request, const RouteMatch& match,
                             const std::string& request_id, const std::string& stage = "RELEASE");

// The HTTP response for a function's result. A result that is not an APIG response (not a
// JSON object, statusCode missing or not an integer in 100..599, body not a string, headers
// not an object, bad base64) gives API Gateway's 500.
HttpResponseData map_function_result(const std::string& result, const std::string& request_id);

// A gateway-generated error in API Gateway's shape {"error_msg","error_code","request_id"}.
HttpResponseData gateway_error(int status, const std::string& code, const std::string& message,
                               const std::string& request_id);

// The response for a finished invocation: the mapped result when ok, otherwise API Gateway's
// own error with the request id (504 "Backend timeout"; 502 "Backend unavailable" for a
// function error, crash, out of memory or sandbox failure). The function's error body and
// stack trace are not sent to the client: error_log_lines() gives them for the log.
HttpResponseData response_for(const sandbox::InvokeResult& result);

// A failed invocation's error for the log: "<status>: <errorType>: <errorMessage>", then the
// stack trace's lines indented.
std::vector<std::string> error_log_lines(const sandbox::InvokeResult& result);

}  // namespace fstage::serve
