// SPDX-License-Identifier: Apache-2.0
#include <mutex>
#include <random>

#include <curl/curl.h>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/http_client.hpp>
#include <fstage/deploy/target.hpp>

namespace fstage::deploy {

namespace {

using std::chrono::milliseconds;

struct Transfer {
  HttpResponse* resp;
  const std::function<void(std::uint64_t, std::uint64_t)>* on_upload;
  std::uint64_t last_reported = 0;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<Transfer*>(user)->resp->body.append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->resp->headers.clear();  // a new response (after 100 Continue, say)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->resp->headers[to_lower(trim(line.substr(0, colon)))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * n;
}

// Called at least once a second during every transfer: a non-zero return aborts it
// (CURLE_ABORTED_BY_CALLBACK), which is how SIGINT/SIGTERM stop a slow request.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t ultotal, curl_off_t ulnow) {
  if (interrupted()) {
    return 1;
  }
  auto* t = static_cast<Transfer*>(user);
  const auto now = static_cast<std::uint64_t>(ulnow);
  if (ultotal > 0 && now != t->last_reported && t->on_upload && *t->on_upload) {
    t->last_reported = now;
    (*t->on_upload)(now, static_cast<std::uint64_t>(ultotal));
  }
  return 0;
}

bool keep_raw_in_path(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~/:@!$&'()*+,;=").find(static_cast<char>(c)) !=
             std::string_view::npos;
}

std::string url_of(const HttpRequest& req) {
  std::string url = req.base;
  for (char ch : req.path) {
    const auto c = static_cast<unsigned char>(ch);
    url += keep_raw_in_path(c) ? std::string(1, ch) : uri_escape(std::string_view(&ch, 1));
  }
  char sep = '?';
  for (const auto& [k, v] : req.query) {
    url += sep + uri_escape(k) + "=" + uri_escape(v);
    sep = '&';
  }
  return url;
}

std::string format_bytes(std::size_t n) {
  char buf[32];
  if (n >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%zu B", n);
  }
  return buf;
}

std::string seconds(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(d.count()) / 1000);
  return buf;
}

enum class Failure { none, not_sent, ambiguous, tls, resolve };

Failure classify(CURLcode rc) {
  switch (rc) {
    case CURLE_OK:
      return Failure::none;
    case CURLE_COULDNT_CONNECT:
      return Failure::not_sent;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Failure::resolve;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
      return Failure::tls;
    default:
      return Failure::ambiguous;
  }
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  std::mt19937_64 rng{random_seed()};
  char errbuf[CURL_ERROR_SIZE] = {};
};

HttpClient::HttpClient(HttpOptions opts)
    : m_impl(std::make_unique<Impl>()), m_opts(std::move(opts)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_impl->curl = curl_easy_init();
  if (!m_opts.random) {
    m_opts.random = [impl = m_impl.get()] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(impl->rng);
    };
  }
  if (!m_opts.sleep) {
    m_opts.sleep = [](milliseconds d) { sleep_unless_interrupted(d); };
  }
}

HttpClient::~HttpClient() {
  if (m_impl && m_impl->curl) {
    curl_easy_cleanup(m_impl->curl);
  }
}

std::string describe(const HttpRequest& req) {
  return req.method + " " + req.path;
}

Expected<HttpResponse> HttpClient::send(const HttpRequest& req, const Authorizer& auth) {
  const UrlParts u = FSTAGE_TRY(parse_endpoint(req.base));
  std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  if (u.port != 0) {
    host += ':';
    host += std::to_string(u.port);
  }
  const std::string body_hash =
      req.body.empty() ? std::string(k_empty_sha256) : sha256_hex(req.body);
  const std::string url = url_of(req);
  const milliseconds timeout =
      req.timeout.count() > 0 ? req.timeout : m_opts.timeout + milliseconds(req.body.size() / 256);
  const int max_attempts = std::max(1, m_opts.retry.max_attempts);
  CURL* c = m_impl->curl;

  for (int attempt = 1;; ++attempt) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    Pairs headers = req.headers;
    headers.emplace_back("Host", host);
    if (auth) {
      auth(req, host, body_hash, headers);
    }
    curl_slist* list = nullptr;
    for (const auto& [k, v] : headers) {
      list = curl_slist_append(list, (k + ": " + v).c_str());
    }
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip

    HttpResponse resp;
    Transfer transfer{&resp, req.show_progress ? &m_opts.on_upload : nullptr};
    curl_easy_reset(c);  // keeps live connections
    m_impl->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "fstage");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, m_impl->errbuf);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_opts.ca_bundle.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, m_opts.ca_bundle.c_str());
    }
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_opts.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (!req.retry_safe) {
      // libcurl silently re-sends a request whose reused connection died before any answer;
      // for a create that could act twice. A fresh connection has no such retry.
      curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
    if (req.method == "GET") {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);  // OBS object metadata (obs.hpp)
    } else if (req.method == "DELETE" && req.body.empty()) {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
    } else {
      // POSTFIELDS points at the caller's buffer: the 50 MB code upload is never copied.
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      if (req.method != "POST") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      }
    }
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
    const auto started = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(c);
    const auto took =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    curl_slist_free_all(list);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp.status = status;
    resp.attempts = attempt;
    if (transfer.on_upload != nullptr && m_opts.on_upload && rc == CURLE_OK) {
      m_opts.on_upload(req.body.size(), req.body.size());
    }

    if (rc == CURLE_ABORTED_BY_CALLBACK) {
      // The request may have reached the server: the next deploy reads the state first, as
      // after any ambiguous failure.
      return fail(interrupted_error());
    }
    const Failure failure = classify(rc);
    const std::string what = describe(req);
    if (m_opts.log) {
      std::string size = req.body.empty() ? "" : " [" + format_bytes(req.body.size()) + "]";
      std::string outcome =
          failure == Failure::none ? std::to_string(status) : std::string(curl_easy_strerror(rc));
      m_opts.log(what + size + " -> " + outcome + " (" + std::to_string(took.count()) +
                 " ms, attempt " + std::to_string(attempt) + "/" + std::to_string(max_attempts) +
                 ")");
    }

    std::string reason;
    milliseconds delay = backoff_delay(m_opts.retry, attempt, m_opts.random());
    if (failure != Failure::none) {
      std::string detail = m_impl->errbuf[0] ? m_impl->errbuf : curl_easy_strerror(rc);
      if (failure == Failure::tls) {
        return fail(ErrorCode::network, "TLS verification failed for " + u.host + ": " + detail,
                    "if the endpoint uses a private CA, pass --ca-bundle FILE or set "
                    "FSTAGE_CA_BUNDLE");
      }
      if (failure == Failure::resolve) {
        return fail(ErrorCode::network, "cannot resolve " + u.host + ": " + detail,
                    "the host is made from the region: if the region is wrong, pass --region "
                    "(or --endpoint for another cloud); if it is right, this machine cannot "
                    "resolve it: 'getent hosts " +
                        u.host + "' shows what DNS says");
      }
      const bool retryable = failure == Failure::not_sent || req.retry_safe;
      if (!retryable || attempt >= max_attempts) {
        Error e(ErrorCode::network, what + ": " + detail,
                "fstage retried " + std::to_string(attempt - 1) + " time(s); 'curl -sI " +
                    req.base +
                    "' shows whether this machine reaches the endpoint (a proxy is taken "
                    "from https_proxy); --retries and --timeout allow more");
        if (failure == Failure::ambiguous) {
          e.details.push_back("ambiguous");
        }
        return fail(std::move(e));
      }
      reason = detail;
    } else {
      const bool rejected =
          status == 429 || (status == 503 && resp.headers.contains("retry-after"));
      if (!is_retryable_status(status) || !(rejected || req.retry_safe) ||
          attempt >= max_attempts) {
        return resp;
      }
      if (auto it = resp.headers.find("retry-after"); it != resp.headers.end()) {
        if (auto ra = parse_retry_after(it->second, std::chrono::system_clock::now())) {
          if (*ra > m_opts.retry.max_retry_after) {
            return resp;  // the caller reports the status; waiting that long is not our call
          }
          delay = *ra;
        }
      }
      reason = "HTTP " + std::to_string(status);
    }
    if (m_opts.on_retry) {
      m_opts.on_retry(what + ": " + reason + "; retrying in " + seconds(delay) + " (attempt " +
                      std::to_string(attempt + 1) + " of " + std::to_string(max_attempts) + ")");
    }
    m_opts.sleep(delay);
  }
}

}  // namespace fstage::deploy
