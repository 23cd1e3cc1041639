// SPDX-License-Identifier: Apache-2.0
// OBS request signing and object addressing (obs.hpp). Pure: no I/O.
#include <algorithm>
#include <ctime>
#include <map>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/obs.hpp>
#include <fstage/deploy/target.hpp>

namespace fstage::deploy {

namespace {

// The sub-resources OBS includes in CanonicalizedResource (obs_04_0010, Table 1); other query
// parameters are not signed.
constexpr std::string_view k_sub_resources[] = {"CDNNotifyConfiguration",
                                                "acl",
                                                "append",
                                                "attname",
                                                "backtosource",
                                                "cors",
                                                "customdomain",
                                                "delete",
                                                "deletebucket",
                                                "directcoldaccess",
                                                "encryption",
                                                "inventory",
                                                "length",
                                                "lifecycle",
                                                "location",
                                                "logging",
                                                "metadata",
                                                "modify",
                                                "name",
                                                "notification",
                                                "orchestration",
                                                "partNumber",
                                                "policy",
                                                "position",
                                                "quota",
                                                "rename",
                                                "replication",
                                                "requestPayment",
                                                "response-cache-control",
                                                "response-content-disposition",
                                                "response-content-encoding",
                                                "response-content-language",
                                                "response-content-type",
                                                "response-expires",
                                                "restore",
                                                "select",
                                                "storageClass",
                                                "storagePolicy",
                                                "storageinfo",
                                                "tagging",
                                                "torrent",
                                                "truncate",
                                                "uploadId",
                                                "uploads",
                                                "versionId",
                                                "versioning",
                                                "versions",
                                                "website",
                                                "x-image-process",
                                                "x-image-save-bucket",
                                                "x-image-save-object",
                                                "x-obs-security-token"};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string header(const Pairs& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (to_lower(k) == name) {
      return trim(v);
    }
  }
  return {};
}

bool is_ip_or_local(std::string_view host) {
  return is_loopback_host(host) || host.find(':') != std::string_view::npos ||
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

std::string obs_canonical_headers(const Pairs& headers) {
  std::map<std::string, std::vector<std::string>> obs;
  for (const auto& [k, v] : headers) {
    const std::string name = to_lower(trim(k));
    if (name.starts_with("x-obs-")) {
      obs[name].push_back(trim(v));
    }
  }
  std::string out;
  for (const auto& [name, values] : obs) {
    out += name + ":" + join(values, ",") + "\n";
  }
  return out;
}

std::string obs_canonical_resource(std::string_view bucket, std::string_view object,
                                   const Pairs& sub_resources) {
  std::string out = "/";
  if (!bucket.empty()) {
    out += std::string(bucket) + "/";
    // Each segment escaped, '/' kept (the reference implementation's urlEncode does the same).
    std::size_t start = 0;
    while (start <= object.size() && !object.empty()) {
      const std::size_t slash = object.find('/', start);
      out += uri_escape(object.substr(start, slash - start));
      if (slash == std::string_view::npos) {
        break;
      }
      out += '/';
      start = slash + 1;
    }
  }
  std::map<std::string, std::string> subs;
  for (const auto& [k, v] : sub_resources) {
    if (std::find(std::begin(k_sub_resources), std::end(k_sub_resources), k) !=
            std::end(k_sub_resources) &&
        !subs.contains(k)) {
      subs[k] = v;  // only the first of a repeated key counts
    }
  }
  char sep = '?';
  for (const auto& [k, v] : subs) {
    out += sep + k + (v.empty() ? "" : "=" + v);
    sep = '&';
  }
  return out;
}

std::string obs_string_to_sign(const ObsSignInput& in) {
  const std::string canonical = obs_canonical_headers(in.headers);
  // With x-obs-date the Date line is empty (the header may then be absent or anything).
  const bool obs_date =
      canonical.starts_with("x-obs-date:") || canonical.find("\nx-obs-date:") != std::string::npos;
  return in.method + "\n" + header(in.headers, "content-md5") + "\n" +
         header(in.headers, "content-type") + "\n" +
         (obs_date ? std::string() : header(in.headers, "date")) + "\n" + canonical +
         obs_canonical_resource(in.bucket, in.object, in.sub_resources);
}

std::string obs_authorization(const ObsSignInput& in, std::string_view access_key,
                              std::string_view secret_key) {
  return "OBS " + std::string(access_key) + ":" +
         hmac_sha1_base64(secret_key, obs_string_to_sign(in));
}

std::string format_http_date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[tm.tm_wday],
                tm.tm_mday, k_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string ObsLocation::base() const {
  auto u = parse_endpoint(endpoint);
  if (!u || is_ip_or_local(u->host)) {
    return endpoint;
  }
  return u->scheme + "://" + bucket + "." + u->host +
         (u->port != 0 ? ":" + std::to_string(u->port) : "");
}

std::string ObsLocation::path() const {
  auto u = parse_endpoint(endpoint);
  const bool path_style = u && is_ip_or_local(u->host);
  return (path_style ? "/" + bucket : std::string()) + "/" + key;
}

std::string ObsLocation::url() const {
  return base() + path();
}

std::string default_obs_endpoint(std::string_view region) {
  return "https://obs." + std::string(region) + "." +
         (region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com");
}

Expected<void> check_bucket_name(std::string_view b) {
  const bool chars_ok =
      b.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string_view::npos;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (b.size() < 3 || b.size() > 63 || !chars_ok || !alnum(b.front()) || !alnum(b.back()) ||
      b.find("..") != std::string_view::npos) {
    return fail(ErrorCode::usage, "OBS bucket name " + quote(b) + " is not valid",
                "3-63 characters: lower-case letters, digits, '-' and '.', starting and ending "
                "with a letter or digit");
  }
  return {};
}

}  // namespace fstage::deploy
