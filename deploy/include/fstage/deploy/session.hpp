// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything a remote command needs, in one place: credentials, target, the HTTP client with
// its logging (redacted), the typed API, and the project id (configured, cached, or looked up
// through IAM and cached).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/http_client.hpp>
#include <fstage/deploy/target.hpp>

namespace fstage::deploy {

struct SessionOptions {
  Env env;
  std::string profile;  // --profile
  TargetRequest target;
  std::string ca_bundle;     // --ca-bundle (else FSTAGE_CA_BUNDLE, else the profile's)
  int timeout_seconds = 60;  // per call, stretched for big uploads
  int retries = 4;           // repeats after the first attempt
  // Sinks; the session redacts every line before passing it on.
  std::function<void(const std::string&)> log;
  std::function<void(const std::string&)> on_retry;
  std::function<void(std::uint64_t, std::uint64_t)> on_upload;
};

class Session {
 public:
  // Loads credentials (adding them to `redactor` before anything can be printed), resolves the
  // target and the project id. Errors: auth, usage, not_found, network, remote.
  static Expected<std::unique_ptr<Session>> open(const SessionOptions& opts, Redactor& redactor);

  Api& api() { return *m_api; }
  // The HTTP client the API uses (its retries, TLS settings, logging): OBS uploads share it.
  HttpClient& http() { return *m_http; }
  const Credentials& credentials() const { return m_creds; }
  const Target& target() const { return m_api->target(); }

 private:
  Session() = default;
  Credentials m_creds;
  std::unique_ptr<HttpClient> m_http;
  std::unique_ptr<Api> m_api;
};

// A redactor primed with the secrets found in the environment (before any profile is read).
Redactor redactor_from_env(const Env& env);

}  // namespace fstage::deploy
