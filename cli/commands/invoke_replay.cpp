// SPDX-License-Identifier: Apache-2.0
#include "invoke_replay.hpp"

#include <chrono>

#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/http_client.hpp>
#include <fstage/serve/console.hpp>

namespace fstage::cli {

namespace {

constexpr const char* k_default_url = "http://127.0.0.1:8080";

// The address a running serve of this project wrote to .fstage/serve.json ("" when there is
// none, or the serve that wrote it has ended).
std::string url_of_running_serve(const std::filesystem::path& root) {
  if (root.empty()) {
    return "";
  }
  auto f = serve::read_serve_file(root);
  return f ? f->url : std::string();
}

}  // namespace

Expected<ReplayedRequest> fetch_replay(const Context& ctx, const std::string& request_id,
                                       const std::string& url,
                                       const std::filesystem::path& project_root) {
  (void)ctx;
  if (request_id.empty() || request_id.find_first_of("/?#% ") != std::string::npos) {
    return fail(ErrorCode::usage, "--replay " + quote(request_id) + " is not a request id",
                "list the kept requests: curl http://127.0.0.1:8080/_fstage/requests");
  }
  std::string base = url;
  std::string source = "--url";
  if (base.empty()) {
    base = url_of_running_serve(project_root);
    source = ".fstage/serve.json";
  }
  if (base.empty()) {
    base = k_default_url;
    source = "serve's default address";
  }
  while (base.ends_with('/')) {
    base.pop_back();
  }
  deploy::HttpOptions ho;
  ho.connect_timeout = std::chrono::milliseconds(3000);
  ho.timeout = std::chrono::milliseconds(30000);
  ho.retry.max_attempts = 1;  // a local serve answers or is not there
  deploy::HttpClient http(std::move(ho));
  deploy::HttpRequest req;
  req.base = base;
  req.path = "/_fstage/requests/" + request_id;
  auto resp = http.send(
      req, [](const deploy::HttpRequest&, std::string_view, std::string_view, deploy::Pairs&) {});
  if (!resp) {
    Error e = std::move(resp).error();
    e.message = "cannot reach fstage serve at " + base + " (" + source + "): " + e.message;
    e.hint = "start `fstage serve` in this project, or give its address with --url";
    return fail(std::move(e));
  }
  if (resp->status == 404) {
    return fail(ErrorCode::not_found,
                "fstage serve at " + base + " does not keep request " + quote(request_id),
                "it keeps the last requests of each function since it started: list them with "
                "curl " +
                    base + "/_fstage/requests");
  }
  auto j = parse_json(resp->body, base + req.path);
  if (resp->status != 200 || !j || !j->is_object() || !(*j).contains("event") ||
      !(*j)["event"].is_string() || !(*j).contains("function")) {
    return fail(
        ErrorCode::invalid_input,
        base + req.path + " answered " + std::to_string(resp->status) + " without a kept request",
        "is " + base + " an fstage serve? give its address with --url");
  }
  ReplayedRequest r;
  r.request_id = request_id;
  r.function = j->value("function", "");
  r.event = (*j)["event"].get<std::string>();
  if (j->contains("headers") && (*j)["headers"].is_object()) {
    for (const auto& [k, v] : (*j)["headers"].items()) {
      if (v.is_string()) {
        r.headers[k] = v.get<std::string>();
      }
    }
  }
  r.from = base;
  return r;
}

}  // namespace fstage::cli
