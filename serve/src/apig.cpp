// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/serve/apig.hpp>

namespace fstage::serve {

namespace {

namespace sb = fstage::sandbox;

const char* k_json = "application/json";

HttpResponseData malformed(const std::string& request_id, const std::string& why) {
  return gateway_error(500, "APIG.0203",
                       "Internal server error: the function's response is not an APIG "
                       "response (" +
                           why + ")",
                       request_id);
}

std::string header_value(const Json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  return json_text(v);
}

}  // namespace

std::string build_apig_event(const HttpRequestData& request, const RouteMatch& match,
                             const std::string& request_id, const std::string& stage) {
  OrderedJson headers = OrderedJson::object();
  for (const auto& [name, value] : request.headers) {
    std::string key = to_lower(name);
    if (headers.contains(key)) {
      headers[key] = headers[key].get<std::string>() + "," + value;
    } else {
      headers[key] = value;
    }
  }
  // What the gateway adds in front of the backend.
  if (!request.remote_addr.empty()) {
    if (!headers.contains("x-real-ip")) {
      headers["x-real-ip"] = request.remote_addr;
    }
    headers["x-forwarded-for"] =
        headers.contains("x-forwarded-for")
            ? headers["x-forwarded-for"].get<std::string>() + ", " + request.remote_addr
            : request.remote_addr;
  }
  if (!headers.contains("x-forwarded-proto")) {
    headers["x-forwarded-proto"] = "http";
  }
  headers["x-request-id"] = request_id;
  // The single-value form the platform's runtimes type as a string map (OTC-GO
  // go-events/apig/APIGTriggerEvent.go): a repeated key gives its last value there, and all
  // of them, in order, in the multi-value form, which appears only when a key repeats (the
  // platform's captured events have none: PLATFORM.md §3, events/apig_with_path_params.json).
  OrderedJson query = OrderedJson::object();
  OrderedJson multi = OrderedJson::object();
  bool repeated = false;
  for (const auto& [k, v] : request.query) {
    repeated = repeated || query.contains(k);
    query[k] = v;
    multi[k].push_back(v);
  }
  OrderedJson params = OrderedJson::object();
  for (const auto& [k, v] : match.path_parameters) {
    params[k] = v;
  }
  OrderedJson ctx = OrderedJson::object();
  ctx["apiId"] = match.route != nullptr ? match.route->api_id : std::string();
  ctx["requestId"] = request_id;
  ctx["stage"] = stage;
  ctx["sourceIp"] = request.remote_addr;

  OrderedJson e = OrderedJson::object();
  e["body"] = sb::base64_encode(request.body);
  e["requestContext"] = ctx;
  e["queryStringParameters"] = query;
  if (repeated) {
    e["multiValueQueryStringParameters"] = multi;
  }
  e["httpMethod"] = request.method;
  e["pathParameters"] = params;
  e["headers"] = headers;
  e["path"] = request.path;
  e["isBase64Encoded"] = true;
  return e.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

HttpResponseData map_function_result(const std::string& result, const std::string& request_id) {
  Json j = Json::parse(result, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return malformed(request_id, "not a JSON object");
  }
  auto sc = j.find("statusCode");
  if (sc == j.end() || !sc->is_number_integer()) {
    return malformed(request_id, "statusCode missing or not an integer");
  }
  auto status = sc->get<long long>();
  if (status < 100 || status > 599) {
    return malformed(request_id, "statusCode " + std::to_string(status) + " out of range");
  }
  HttpResponseData r;
  r.status = static_cast<int>(status);
  bool has_type = false;
  if (auto h = j.find("headers"); h != j.end() && !h->is_null()) {
    if (!h->is_object()) {
      return malformed(request_id, "headers is not an object");
    }
    for (const auto& [name, value] : h->items()) {
      if (value.is_null()) {
        continue;
      }
      if (value.is_array()) {
        for (const auto& v : value) {
          r.headers.emplace_back(name, header_value(v));
        }
      } else {
        r.headers.emplace_back(name, header_value(value));
      }
      has_type = has_type || to_lower(name) == "content-type";
    }
  }
  if (auto b = j.find("body"); b != j.end() && !b->is_null()) {
    if (!b->is_string()) {
      return malformed(request_id, "body is not a string");
    }
    r.body = b->get<std::string>();
  }
  auto b64 = j.find("isBase64Encoded");
  if (b64 != j.end() && !b64->is_null() && !b64->is_boolean()) {
    return malformed(request_id, "isBase64Encoded is not a boolean");
  }
  if (b64 != j.end() && b64->is_boolean() && b64->get<bool>()) {
    auto decoded = sb::base64_decode(r.body);
    if (!decoded) {
      return malformed(request_id, "isBase64Encoded is true but body is not base64");
    }
    r.body = std::move(*decoded);
  }
  if (!has_type) {
    r.headers.emplace_back("Content-Type", k_json);
  }
  r.headers.emplace_back("X-Request-Id", request_id);
  return r;
}

HttpResponseData gateway_error(int status, const std::string& code, const std::string& message,
                               const std::string& request_id) {
  OrderedJson j = OrderedJson::object();
  j["error_msg"] = message;
  j["error_code"] = code;
  j["request_id"] = request_id;
  HttpResponseData r;
  r.status = status;
  r.headers = {{"Content-Type", k_json}, {"X-Request-Id", request_id}};
  r.body = j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  return r;
}

HttpResponseData response_for(const sb::InvokeResult& result) {
  if (result.status == sb::InvokeStatus::ok) {
    return map_function_result(result.result, result.request_id);
  }
  // API Gateway answers a backend that failed with its own error and the request id, never
  // with the function's error body or stack trace (those go to the log): 504 "Backend
  // timeout", 502 "Backend unavailable" (the API Gateway error-code tables: APIG.0201 backend
  // timeout as the OCR FAQ ocr_01_0065 quotes it, APIG.0202 / APIC.0202 backend unavailable).
  if (result.status == sb::InvokeStatus::timeout) {
    return gateway_error(504, "APIG.0201", "Backend timeout", result.request_id);
  }
  if (result.status == sb::InvokeStatus::cancelled) {
    // fstage serve is stopping (SIGINT/SIGTERM): the request was not run, or not to its end.
    return gateway_error(503, "APIG.0308", "Service unavailable: the gateway is shutting down",
                         result.request_id);
  }
  return gateway_error(502, "APIG.0202", "Backend unavailable", result.request_id);
}

std::vector<std::string> error_log_lines(const sb::InvokeResult& result) {
  std::vector<std::string> out;
  Json e = Json::parse(result.error, nullptr, false);
  if (!e.is_object()) {
    out.push_back(std::string(sb::to_string(result.status)) + ": " + result.error);
    return out;
  }
  auto text = [&](const char* key) {
    auto it = e.find(key);
    return it == e.end() ? std::string() : it->is_string() ? it->get<std::string>() : it->dump();
  };
  out.push_back(std::string(sb::to_string(result.status)) + ": " + text("errorType") + ": " +
                text("errorMessage"));
  if (auto st = e.find("stackTrace"); st != e.end() && st->is_array()) {
    for (const auto& frame : *st) {
      for (const auto& line :
           split(frame.is_string() ? frame.get<std::string>() : json_text(frame), '\n')) {
        if (!line.empty()) {
          out.push_back("  " + line);
        }
      }
    }
  } else if (auto s = text("stackTrace"); !s.empty()) {
    out.push_back("  " + s);
  }
  return out;
}

}  // namespace fstage::serve
