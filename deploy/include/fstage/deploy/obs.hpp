// SPDX-License-Identifier: Apache-2.0
#pragma once

// Code packages over the API's direct-upload limit go through OBS: the zip is PUT into a bucket
// and the function API is given `code_type: obs` and `code_url`. OBS signs requests its own way
// (not SDK-HMAC-SHA256), as its API reference describes ("Authentication of Signature in a
// Header", obs_04_0010):
//
//   StringToSign = HTTP-Verb \n Content-MD5 \n Content-Type \n Date \n
//                  CanonicalizedHeaders CanonicalizedResource
//   Authorization: OBS <AK>:Base64(HMAC-SHA1(SK, UTF-8(StringToSign)))
//
// CanonicalizedHeaders are the x-obs-* headers, names lower-cased, sorted, repeated names merged
// with ',' and values trimmed, one "name:value\n" each; Date is empty when x-obs-date is sent;
// CanonicalizedResource is "/bucket/object" (plus sorted sub-resources such as "?acl").
// The signing functions are pure so the published StringToSign examples are unit-tested.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/http_client.hpp>
#include <fstage/deploy/signer.hpp>

namespace fstage::deploy {

// The limits that decide how code reaches the platform (PLATFORM.md §2.2): a zip up to 50 MB goes
// in the request body (base64, FSS.1071 beyond); up to 300 MB through OBS.
inline constexpr std::uint64_t k_direct_upload_limit = 50ull << 20;
inline constexpr std::uint64_t k_obs_code_limit = 300ull << 20;

struct ObsSignInput {
  std::string method;
  Pairs headers;  // as sent: Content-MD5, Content-Type, Date and x-obs-* are taken from here
  std::string bucket;
  std::string object;   // unencoded key, "" for the bucket itself
  Pairs sub_resources;  // e.g. {"acl", ""}; only the OBS sub-resource names count
};

// The x-obs-* headers, canonicalised ("" when none).
std::string obs_canonical_headers(const Pairs& headers);

// "/bucket/object[?sub&sub=v]" (the object name URL-encoded, '/' kept).
std::string obs_canonical_resource(std::string_view bucket, std::string_view object,
                                   const Pairs& sub_resources);

std::string obs_string_to_sign(const ObsSignInput& in);

// "OBS <AK>:<signature>".
std::string obs_authorization(const ObsSignInput& in, std::string_view access_key,
                              std::string_view secret_key);

// RFC 1123 date for the Date header: "Sat, 12 Oct 2015 08:12:38 GMT".
std::string format_http_date(std::chrono::system_clock::time_point t);

// Where an object lives. Buckets are addressed virtual-hosted style
// (https://bucket.obs.<region>.myhuaweicloud.com/key) except on an endpoint whose host is an IP
// address or localhost (a local test server), where the path names the bucket
// (http://127.0.0.1:port/bucket/key).
struct ObsLocation {
  std::string endpoint;  // "https://obs.cn-north-4.myhuaweicloud.com"
  std::string bucket;
  std::string key;
  std::string base() const;  // scheme://host[:port] the requests go to
  std::string path() const;  // "/key" or "/bucket/key"
  std::string url() const;   // base() + path(): the code_url
};

// https://obs.<region>.myhuaweicloud.com (the FunctionGraph region table's domain).
std::string default_obs_endpoint(std::string_view region);

// A bucket name as OBS allows it: 3-63 characters, lower-case letters, digits, '-' and '.',
// starting and ending with a letter or digit. Errors: usage.
Expected<void> check_bucket_name(std::string_view bucket);

struct ObsObject {
  std::uint64_t size = 0;
  std::string etag;  // without quotes; the MD5 hex of a single-PUT object
};

// Object HEAD and PUT over the shared HTTP client, signed with the session's AK/SK (temporary
// credentials add x-obs-security-token). Token-only credentials cannot sign OBS requests.
class ObsClient {
 public:
  ObsClient(HttpClient& http, Credentials creds) : m_http(http), m_creds(std::move(creds)) {}

  // nullopt when the object does not exist. Errors: auth (403), remote, network.
  Expected<std::optional<ObsObject>> head(const ObsLocation& at);

  // PUT the file with Content-MD5 (so OBS checks the bytes it stored). Errors: as head, io.
  Expected<void> put_file(const ObsLocation& at, const std::filesystem::path& file,
                          const std::string& md5_hex);

  struct Outcome {
    bool uploaded = false;  // false: an object with the same MD5 was there already
  };
  // HEAD, then PUT unless the object's ETag is the file's MD5.
  Expected<Outcome> ensure(const ObsLocation& at, const std::filesystem::path& file,
                           const std::string& md5_hex);

 private:
  Expected<HttpResponse> send(const HttpRequest& req, const ObsLocation& at);
  HttpClient& m_http;
  Credentials m_creds;
};

// The Error for an OBS error response (an XML body with Code and Message, or none for HEAD).
Error obs_error(const HttpResponse& resp, const std::string& what);

}  // namespace fstage::deploy
