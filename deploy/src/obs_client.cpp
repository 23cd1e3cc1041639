// SPDX-License-Identifier: Apache-2.0
// OBS object HEAD/PUT (obs.hpp): signed with OBS's own scheme, sent through the shared HTTP
// client (its retries, timeouts and TLS verification).
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/obs.hpp>

namespace fstage::deploy {

namespace {

// The text of <Tag>...</Tag> in an OBS XML error body ("" when absent).
std::string xml_field(const std::string& body, const std::string& tag) {
  const auto open = body.find("<" + tag + ">");
  if (open == std::string::npos) {
    return {};
  }
  const auto start = open + tag.size() + 2;
  const auto close = body.find("</" + tag + ">", start);
  return close == std::string::npos ? std::string() : body.substr(start, close - start);
}

}  // namespace

Error obs_error(const HttpResponse& resp, const std::string& what) {
  const std::string code = xml_field(resp.body, "Code");
  const std::string message = xml_field(resp.body, "Message");
  std::string text = what + ": OBS answered HTTP " + std::to_string(resp.status);
  if (!code.empty()) {
    text += " " + code + (message.empty() ? "" : ": " + message);
  }
  ErrorCode ec = resp.status == 401 || resp.status == 403 ? ErrorCode::auth
                 : resp.status == 404                     ? ErrorCode::not_found
                                                          : ErrorCode::remote;
  std::string hint;
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId") {
    hint =
        "OBS did not accept the signature: check the AK/SK (the same keys sign FunctionGraph "
        "and OBS requests)";
  } else if (code == "RequestTimeTooSkewed") {
    hint = "this machine's clock is more than 15 minutes off: sync it (timedatectl, ntpdate)";
  } else if (code == "NoSuchBucket") {
    hint =
        "create the bucket in the function's region first (OBS console or obsutil mb), or "
        "name another with --obs-bucket";
  } else if (code == "AccessDenied") {
    hint = "the credentials may not write to this bucket: grant them obs:object:PutObject on it";
  }
  return Error(ec, text, hint);
}

Expected<HttpResponse> ObsClient::send(const HttpRequest& req, const ObsLocation& at) {
  if (m_creds.token_auth()) {
    return fail(ErrorCode::auth, "uploading through OBS needs an AK/SK; token auth cannot sign it",
                "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or a profile with keys)");
  }
  const Credentials& creds = m_creds;
  const std::string bucket = at.bucket;
  const std::string key = at.key;
  Authorizer auth = [&creds, bucket, key](const HttpRequest& r, std::string_view, std::string_view,
                                          Pairs& headers) {
    headers.emplace_back("Date", format_http_date(std::chrono::system_clock::now()));
    if (!creds.security_token.empty()) {
      headers.emplace_back("x-obs-security-token", creds.security_token);
    }
    ObsSignInput in{r.method, headers, bucket, key, {}};
    headers.emplace_back("Authorization",
                         obs_authorization(in, creds.access_key, creds.secret_key));
  };
  return m_http.send(req, auth);
}

Expected<std::optional<ObsObject>> ObsClient::head(const ObsLocation& at) {
  HttpRequest req;
  req.method = "HEAD";
  req.base = at.base();
  req.path = at.path();
  HttpResponse resp = FSTAGE_TRY(send(req, at));
  if (resp.status == 404) {
    return std::optional<ObsObject>();
  }
  if (resp.status != 200) {
    return fail(obs_error(resp, "HEAD " + at.url()));
  }
  ObsObject o;
  std::string etag = resp.headers.count("etag") ? resp.headers.at("etag") : "";
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  o.etag = to_lower(etag);
  if (auto it = resp.headers.find("content-length"); it != resp.headers.end()) {
    o.size = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  return std::optional<ObsObject>(o);
}

Expected<void> ObsClient::put_file(const ObsLocation& at, const std::filesystem::path& file,
                                   const std::string& md5_hex) {
  ReadLimit limit;
  limit.max_bytes = k_obs_code_limit;
  limit.rule = "code through OBS is at most 300 MB";
  const std::string body = FSTAGE_TRY(read_file(file, limit));
  HttpRequest req;
  req.method = "PUT";
  req.base = at.base();
  req.path = at.path();
  req.headers = {{"Content-Type", "application/zip"}, {"Content-MD5", hex_to_base64(md5_hex)}};
  req.body = body;
  req.show_progress = true;
  // Repeating a PUT of the same bytes to the same key leaves the same object.
  req.retry_safe = true;
  HttpResponse resp = FSTAGE_TRY(send(req, at));
  if (resp.status != 200) {
    return fail(obs_error(resp, "PUT " + at.url()));
  }
  return {};
}

Expected<ObsClient::Outcome> ObsClient::ensure(const ObsLocation& at,
                                               const std::filesystem::path& file,
                                               const std::string& md5_hex) {
  auto existing = FSTAGE_TRY(head(at));
  if (existing && existing->etag == to_lower(md5_hex)) {
    return Outcome{false};
  }
  FSTAGE_TRY(put_file(at, file, md5_hex));
  return Outcome{true};
}

}  // namespace fstage::deploy
