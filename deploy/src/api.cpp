// SPDX-License-Identifier: Apache-2.0
// The request core (authorisation, error mapping, create-with-recovery) and the function calls.
#include <chrono>

#include <fstage/deploy/api.hpp>
#include <fstage/deploy/signer.hpp>

namespace fstage::deploy {

namespace {

// A failure after which the request may or may not have taken effect.
bool ambiguous(const Expected<HttpResponse>& r) {
  if (!r) {
    const auto& d = r.error().details;
    return std::find(d.begin(), d.end(), "ambiguous") != d.end() ||
           r.error().code == ErrorCode::network;
  }
  return r->status == 500 || r->status == 502 || r->status == 504 ||
         (r->status == 503 && !r->headers.contains("retry-after"));
}

// "Already exists" (or, for a publish, "nothing changed"): maybe our own earlier attempt.
bool conflict(const Expected<HttpResponse>& r) {
  return r && (r->status == 409 || r->body.find("FSS.1016") != std::string::npos);
}

}  // namespace

Api::Api(HttpClient& http, Target target, Credentials creds)
    : m_http(http), m_target(std::move(target)), m_creds(std::move(creds)) {}

std::string Api::urn(const std::string& function, const std::string& qualifier) const {
  std::string u = "urn:fss:" + m_target.region + ":" + m_target.project_id +
                  ":function:" + m_target.package + ":" + function;
  return qualifier.empty() ? u : u + ":" + qualifier;
}

std::string Api::fgs(const std::string& rest) const {
  return "/v2/" + m_target.project_id + "/fgs" + rest;
}

Expected<HttpResponse> Api::raw(const Call& c) {
  HttpRequest req;
  req.method = c.method;
  req.base = c.base.empty() ? m_target.endpoint : c.base;
  req.path = c.path;
  req.query = c.query;
  req.headers = c.headers;
  req.headers.emplace_back("Content-Type", "application/json");
  if (c.project_header && !m_target.project_id.empty()) {
    req.headers.emplace_back("X-Project-Id", m_target.project_id);
  }
  req.body = c.body;
  req.retry_safe = c.retry_safe;
  req.show_progress = c.progress;
  req.timeout = std::chrono::seconds(c.timeout_seconds);
  const Credentials& creds = m_creds;
  Authorizer auth = [&creds](const HttpRequest& r, std::string_view host,
                             std::string_view body_sha256, Pairs& headers) {
    if (creds.token_auth()) {
      headers.emplace_back("X-Auth-Token", creds.auth_token);
      return;
    }
    headers.emplace_back("X-Sdk-Date", format_sdk_date(std::chrono::system_clock::now()));
    if (!creds.security_token.empty()) {
      headers.emplace_back("X-Security-Token", creds.security_token);
    }
    SignInput in;
    in.method = r.method;
    in.path = r.path;
    in.query = r.query;
    // Signed: exactly the headers sent (as the JS SDK does), Host included.
    in.headers = headers;
    (void)host;
    in.body_sha256 = std::string(body_sha256);
    headers.emplace_back("Authorization", authorization(in, creds.access_key, creds.secret_key));
  };
  auto resp = m_http.send(req, auth);
  if (!resp && resp.error().code == ErrorCode::network &&
      (req.base == m_target.endpoint || req.base == m_target.iam_endpoint) &&
      // A certificate that does not verify is not an unreachable host: its own hint stands.
      !resp.error().message.starts_with("TLS verification failed")) {
    // Unreachable: say where the host came from and how to set another, then the transport's
    // own advice.
    Error e = std::move(resp).error();
    const bool iam = c.base == m_target.iam_endpoint && c.path.starts_with("/v3/");
    e.hint = endpoint_hint(m_target, iam) + (e.hint.empty() ? "" : "; " + e.hint);
    return fail(std::move(e));
  }
  return resp;
}

Expected<Json> Api::call(const Call& c) {
  HttpResponse resp = FSTAGE_TRY(raw(c));
  if (resp.status < 200 || resp.status >= 300) {
    return fail(api_error(resp, c.method + " " + c.path, m_creds));
  }
  if (resp.body.empty()) {
    return Json();
  }
  auto j = parse_json(resp.body, c.method + " " + c.path);
  if (!j) {
    return fail(ErrorCode::remote,
                c.method + " " + c.path + ": the API answered with invalid JSON");
  }
  return std::move(*j);
}

Expected<Json> Api::create(const Call& c,
                           const std::function<Expected<std::optional<Json>>()>& find) {
  const RetryPolicy& policy = m_http.options().retry;
  for (int round = 1;; ++round) {
    auto r = raw(c);
    if (r && r->status >= 200 && r->status < 300) {
      auto j = parse_json(r->body, c.path);
      return j ? std::move(*j) : Json::object();
    }
    const bool unsure = ambiguous(r);
    if (!unsure && !conflict(r)) {
      if (!r) {
        return fail(std::move(r).error());
      }
      return fail(api_error(*r, c.method + " " + c.path, m_creds));
    }
    // Did it happen after all? Only a read can tell; repeat the create only when it did not.
    auto found = find();
    if (found && *found) {
      return std::move(**found);
    }
    if (!unsure || round >= policy.max_attempts || !found) {
      if (!r) {
        return fail(std::move(r).error());
      }
      return fail(api_error(*r, c.method + " " + c.path, m_creds));
    }
    m_http.options().sleep(backoff_delay(policy, round, m_http.options().random()));
  }
}

Expected<std::string> Api::lookup_project_id() {
  Call c;
  c.base = m_target.iam_endpoint;
  c.path = "/v3/projects";
  c.query = {{"name", m_target.region}};
  c.project_header = false;
  Json j = FSTAGE_TRY(call(c));
  if (j.contains("projects") && j["projects"].is_array()) {
    for (const auto& p : j["projects"]) {
      if (p.value("name", "") == m_target.region && p.contains("id") && p["id"].is_string()) {
        return p["id"].get<std::string>();
      }
    }
  }
  return fail(ErrorCode::not_found, "no IAM project named " + m_target.region + " in this account",
              "check the region, or set the project id (HUAWEICLOUD_SDK_PROJECT_ID, or project_id "
              "in the profile)");
}

Expected<std::optional<Json>> Api::get_function(const std::string& name,
                                                const std::string& qualifier) {
  Call c;
  c.path = fgs("/functions/" + urn(name, qualifier) + "/config");
  return call_or_none(c, "FSS.1051");
}

Expected<std::optional<Json>> Api::call_or_none(const Call& c, std::string_view fss_code) {
  auto r = call(c);
  if (!r) {
    if (r.error().code == ErrorCode::not_found &&
        (fss_code.empty() || r.error().message.find(fss_code) != std::string::npos)) {
      return std::optional<Json>();
    }
    return fail(std::move(r).error());
  }
  return std::optional<Json>(std::move(*r));
}

Expected<std::vector<Json>> Api::list_functions() {
  std::vector<Json> out;
  long long marker = 0;
  while (true) {
    Call c;
    c.path = fgs("/functions");
    c.query = {{"marker", std::to_string(marker)}, {"maxitems", "400"}};
    Json j = FSTAGE_TRY(call(c));
    const Json& page = j.contains("functions") ? j["functions"] : Json::array();
    for (const auto& f : page) {
      out.push_back(f);
    }
    const long long next = j.value("next_marker", 0LL);
    const long long count = j.value("count", 0LL);
    if (page.empty() || next <= marker || next >= count) {
      break;
    }
    marker = next;
  }
  return out;
}

Expected<Json> Api::create_function(const Json& fields, const std::filesystem::path& zip) {
  const std::string body = fields.value("code_type", "") == "obs"
                               ? fields.dump()
                               : FSTAGE_TRY(json_with_code(fields, zip));
  Call c;
  c.method = "POST";
  c.path = fgs("/functions");
  c.body = body;
  c.retry_safe = false;
  c.progress = true;
  const std::string name = fields.value("func_name", "");
  return create(c, [&]() { return get_function(name); });
}

Expected<Json> Api::update_code(const std::string& name, const std::filesystem::path& zip,
                                const std::optional<std::vector<std::string>>& depend_version_list,
                                const std::string& code_url) {
  Json fields = {{"code_type", code_url.empty() ? "zip" : "obs"}, {"code_filename", name + ".zip"}};
  if (!code_url.empty()) {
    fields["code_url"] = code_url;
  }
  if (depend_version_list) {
    fields["depend_version_list"] = *depend_version_list;
  }
  const std::string body =
      code_url.empty() ? FSTAGE_TRY(json_with_code(fields, zip)) : fields.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/functions/" + urn(name) + "/code");
  c.body = body;
  c.progress = true;
  return call(c);
}

Expected<Json> Api::update_config(const std::string& name, const Json& fields) {
  const std::string body = fields.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/functions/" + urn(name) + "/config");
  c.body = body;
  return call(c);
}

Expected<void> Api::delete_function(const std::string& name, const std::string& version) {
  Call c;
  c.method = "DELETE";
  c.path = fgs("/functions/" + urn(name, version));
  HttpResponse r = FSTAGE_TRY(raw(c));
  // A 404 after a retry: the first attempt did it and lost its answer.
  if ((r.status >= 200 && r.status < 300) || (r.status == 404 && r.attempts > 1)) {
    return {};
  }
  return fail(api_error(r, "DELETE " + c.path, m_creds));
}

}  // namespace fstage::deploy
