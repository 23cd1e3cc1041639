// SPDX-License-Identifier: Apache-2.0
#include <fstage/deploy/session.hpp>

namespace fstage::deploy {

Redactor redactor_from_env(const Env& env) {
  Redactor r;
  for (const char* k : {"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK",
                        "HUAWEICLOUD_SDK_SECURITY_TOKEN", "FSTAGE_AUTH_TOKEN"}) {
    if (auto it = env.find(k); it != env.end()) {
      r.add(it->second);
    }
  }
  return r;
}

Expected<std::unique_ptr<Session>> Session::open(const SessionOptions& opts, Redactor& redactor) {
  std::unique_ptr<Session> s(new Session());
  const auto config_dir = config_dir_from(opts.env);
  s->m_creds = FSTAGE_TRY(load_credentials(opts.env, config_dir, opts.profile));
  redactor.add(s->m_creds);
  Target target = FSTAGE_TRY(resolve_target(opts.target, opts.env, s->m_creds));

  HttpOptions http;
  auto env_ca = opts.env.find("FSTAGE_CA_BUNDLE");
  http.ca_bundle = !opts.ca_bundle.empty()                               ? opts.ca_bundle
                   : env_ca != opts.env.end() && !env_ca->second.empty() ? env_ca->second
                                                                         : s->m_creds.ca_bundle;
  if (!http.ca_bundle.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(http.ca_bundle, ec)) {
      if (ec && ec != std::errc::no_such_file_or_directory) {
        return fail(Error::from_error_code("stat", http.ca_bundle, ec));
      }
      return fail(ErrorCode::usage, "CA bundle " + http.ca_bundle + ": no such file",
                  "pass a PEM file with --ca-bundle or FSTAGE_CA_BUNDLE");
    }
  }
  http.timeout = std::chrono::seconds(std::max(1, opts.timeout_seconds));
  http.connect_timeout = std::min(http.timeout, std::chrono::milliseconds(10000));
  http.retry.max_attempts = std::max(0, opts.retries) + 1;
  const Redactor* r = &redactor;
  if (opts.log) {
    http.log = [r, sink = opts.log](const std::string& line) { sink((*r)(line)); };
  }
  if (opts.on_retry) {
    http.on_retry = [r, sink = opts.on_retry](const std::string& line) { sink((*r)(line)); };
  }
  http.on_upload = opts.on_upload;
  s->m_http = std::make_unique<HttpClient>(std::move(http));
  s->m_api = std::make_unique<Api>(*s->m_http, target, s->m_creds);

  if (target.project_id.empty()) {
    if (auto cached = cached_project_id(config_dir, target, s->m_creds)) {
      s->m_api->set_project_id(*cached);
    } else {
      auto id = s->m_api->lookup_project_id();
      if (!id) {
        Error e = std::move(id).error();
        return fail(std::move(e).with_context("while looking up the project id of region " +
                                              target.region + " through IAM"));
      }
      s->m_api->set_project_id(*id);
      cache_project_id(config_dir, target, s->m_creds, *id);
    }
  }
  return s;
}

}  // namespace fstage::deploy
