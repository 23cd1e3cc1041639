// SPDX-License-Identifier: Apache-2.0
// serve's emit routes, plain HTTP for scripts and `fstage emit`:
//   PUT    /_fstage/emit/obs/BUCKET/KEY      body: the object's bytes
//   DELETE /_fstage/emit/obs/BUCKET/KEY
//   POST   /_fstage/emit/smn/TOPIC           body: {"message": ..., "subject": ...}
//                                            (or the message as text, ?subject=...)
//   POST   /_fstage/emit/{kafka,dis,rocketmq}/TOPIC
//                                            body: a JSON array of records, or one per line
// Each answers JSON: what was accepted. A full queue is 429 with a hint.
#include <fstage/base/strings.hpp>
#include <fstage/serve/event_routes.hpp>

namespace fstage::serve {

namespace {

constexpr std::string_view k_prefix = "/_fstage/emit/";

HttpResponseData error_response(const Error& e) {
  int status = 500;
  switch (e.code) {
    case ErrorCode::invalid_input:
    case ErrorCode::usage:
      status = 400;
      break;
    case ErrorCode::not_found:
      status = 404;
      break;
    case ErrorCode::limit:
      status = 429;
      break;
    default:
      break;
  }
  OrderedJson body;
  body["error_code"] = "FSTAGE." + std::to_string(status);
  body["error_msg"] = e.message;
  if (!e.hint.empty()) {
    body["hint"] = e.hint;
  }
  HttpResponseData res = json_response(status, body);
  if (status == 429) {
    res.headers.emplace_back("Retry-After", "1");
  }
  return res;
}

HttpResponseData usage(int status, const std::string& message) {
  OrderedJson body;
  body["error_code"] = "FSTAGE." + std::to_string(status);
  body["error_msg"] = message;
  body["hint"] =
      "PUT|DELETE /_fstage/emit/obs/BUCKET/KEY, POST /_fstage/emit/smn/TOPIC, "
      "POST /_fstage/emit/{kafka,dis,rocketmq}/TOPIC";
  return json_response(status, body);
}

HttpResponseData answer(Expected<OrderedJson> r) {
  return r ? json_response(200, *r) : error_response(r.error());
}

}  // namespace

std::optional<HttpResponseData> answer_emit(EventSources* sources, const HttpRequestData& d) {
  std::string_view path(d.path);
  if (!path.starts_with(k_prefix)) {
    return std::nullopt;
  }
  if (sources == nullptr) {
    return usage(503, "fstage serve's event sources are not running");
  }
  path.remove_prefix(k_prefix.size());
  const auto slash = path.find('/');
  const std::string source(path.substr(0, slash));
  const std::string rest(slash == std::string_view::npos ? "" : path.substr(slash + 1));
  if (source == "obs") {
    const auto cut = rest.find('/');
    if (cut == std::string::npos || cut + 1 >= rest.size()) {
      return usage(404, "give the bucket and the key: /_fstage/emit/obs/BUCKET/KEY");
    }
    const std::string bucket = rest.substr(0, cut);
    const std::string key = rest.substr(cut + 1);
    if (d.method == "PUT" || d.method == "POST") {
      if (d.body_too_large) {
        return usage(413,
                     "the object is larger than serve takes in one request (6 MB); copy "
                     "it into .fstage/buckets/" +
                         bucket + "/ instead");
      }
      return answer(sources->put_object(bucket, key, d.body));
    }
    if (d.method == "DELETE") {
      return answer(sources->delete_object(bucket, key));
    }
    return usage(405, d.method + " is not an OBS emit: PUT or DELETE");
  }
  if (rest.empty()) {
    return usage(404, "give the topic: /_fstage/emit/" + source + "/TOPIC");
  }
  if (d.method != "POST") {
    return usage(405, d.method + " is not an emit: POST");
  }
  if (source == "smn") {
    std::string message = d.body;
    std::string subject = query_value(d, "subject");
    if (trim(d.body).starts_with('{')) {
      auto j = parse_json(d.body, "the request body");
      if (!j) {
        return error_response(j.error());
      }
      if (!j->contains("message") || !(*j)["message"].is_string()) {
        return usage(400, "the body's \"message\" must be a string");
      }
      message = (*j)["message"].get<std::string>();
      subject = j->value("subject", subject);
    }
    return answer(sources->publish(rest, message, subject));
  }
  if (auto kind = stream_kind(source)) {
    auto records = parse_records(d.body);
    if (!records) {
      return error_response(records.error());
    }
    if (records->empty()) {
      return usage(400, "no records: give a JSON array or one record per line");
    }
    return answer(sources->put_records(*kind, rest, std::move(*records)));
  }
  return usage(404, "no event source " + quote(source));
}

}  // namespace fstage::serve
