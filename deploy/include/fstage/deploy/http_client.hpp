// SPDX-License-Identifier: Apache-2.0
#pragma once

// HTTPS to the API over one reused libcurl handle: timeouts on every call, TLS always verified
// (optionally against a custom CA bundle), retries with jittered exponential backoff honouring
// Retry-After, upload progress, and request bodies sent from the caller's buffer without a copy.
//
// Retry rules (the "may this be repeated?" question is the caller's, via retry_safe):
//   - 429 and connection failures before anything was sent: always retried (nothing happened);
//   - 5xx, timeouts and connections dropped mid-request: retried only when retry_safe; for a
//     create, the caller reads the remote state first (api.hpp) and decides itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/deploy/retry.hpp>
#include <fstage/deploy/signer.hpp>

namespace fstage::deploy {

struct HttpRequest {
  std::string method = "GET";
  std::string base;       // "https://host[:port][/prefix]"
  std::string path;       // unencoded, e.g. "/v2/<project>/fgs/functions/urn:fss:...:latest/config"
  Pairs query;            // unencoded
  Pairs headers;          // besides Host and the auth headers
  std::string_view body;  // not copied: must outlive send()
  bool retry_safe = true;
  bool show_progress = false;
  std::chrono::milliseconds timeout{0};  // 0: HttpOptions::timeout, stretched for big bodies
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int attempts = 1;
};

// Adds the auth headers (signature or token) for one attempt. `host` is the Host header value
// that will be sent; `body_sha256` the hex hash of the body.
using Authorizer = std::function<void(const HttpRequest& req, std::string_view host,
                                      std::string_view body_sha256, Pairs& headers)>;

struct HttpOptions {
  std::string ca_bundle;  // "" = the system store
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};
  RetryPolicy retry;
  // Verbose log lines (method, path, status, timing; never headers). Already redacted.
  std::function<void(const std::string&)> log;
  // A retry is about to wait: a one-line reason for the user.
  std::function<void(const std::string&)> on_retry;
  // Upload progress of requests with show_progress (bytes sent, total); total = sent at the end.
  std::function<void(std::uint64_t, std::uint64_t)> on_upload;
  std::function<double()> random;                        // [0,1) jitter; default std RNG
  std::function<void(std::chrono::milliseconds)> sleep;  // default this_thread::sleep_for
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions opts);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `req`, retrying per the rules above. Any HTTP status is a response (the API layer
  // maps error bodies); errors are transport failures: network (unreachable, timeout, dropped;
  // Error::details holds "ambiguous" when the request may have reached the server), and
  // network with a TLS hint when the certificate does not verify.
  Expected<HttpResponse> send(const HttpRequest& req, const Authorizer& auth);

  const HttpOptions& options() const { return m_opts; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  HttpOptions m_opts;
};

// "GET /v2/x/fgs/functions" style description used in logs and errors.
std::string describe(const HttpRequest& req);

}  // namespace fstage::deploy
