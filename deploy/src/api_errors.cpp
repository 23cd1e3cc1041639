// SPDX-License-Identifier: Apache-2.0
// Error responses -> Errors with hints; the code-upload body builder.
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/crypto.hpp>

namespace fstage::deploy {

namespace {

const std::map<std::string, std::string, std::less<>>& known_hints() {
  static const std::map<std::string, std::string, std::less<>> k_hints = {
      {"FSS.1051",
       "deploy it first with 'fstage deploy', or check the name with 'fstage remote list'"},
      {"FSS.1052", "list the versions with 'fstage remote info FUNC'"},
      {"FSS.1053", "list the aliases with 'fstage remote info FUNC'"},
      {"FSS.1061", "the function exists already; 'fstage deploy' updates it"},
      {"FSS.1071",
       "the code package is too large for a direct upload (50 MB): trim it with "
       ".fstageignore, or upload the zip to OBS and point the function at it"},
      {"FSS.1072", "inline code is limited to 10 KB: package it as a zip"},
      {"FSS.1016", "nothing changed since the last published version"},
      {"FSS.1018", "the environment variables exceed 4 KB in total"},
      {"FSS.1019", "the description is longer than 512 characters"},
      {"FSS.1063",
       "version quota reached: remove old ones with 'fstage remote remove FUNC "
       "--version V'"},
      {"FSS.1024",
       "the platform refused the dependency: check its zip and that its runtime is the "
       "function's"},
      {"FSS.1033",
       "the dependency version is linked by a function (or a published version of one): "
       "unlink it first"},
      {"FSS.1045", "a function can link at most 20 dependencies"},
      {"FSS.1056",
       "the dependency version does not exist (deleted meanwhile?): deploy again to "
       "upload it"},
      {"FSS.0403", "check the project id (HUAWEICLOUD_SDK_PROJECT_ID or the profile's project_id)"},
  };
  return k_hints;
}

// Minutes between the server's Date header and the local clock, if the server sent one.
std::optional<long> skew_minutes(const HttpResponse& resp) {
  auto it = resp.headers.find("date");
  if (it == resp.headers.end()) {
    return std::nullopt;
  }
  auto server = parse_http_date(it->second);
  if (!server) {
    return std::nullopt;
  }
  auto d = std::chrono::round<std::chrono::minutes>(*server - std::chrono::system_clock::now());
  return static_cast<long>(d.count());
}

}  // namespace

Error api_error(const HttpResponse& resp, const std::string& what, const Credentials& creds) {
  std::string code;
  std::string msg;
  if (auto j = parse_json(resp.body, "response"); j && j->is_object()) {
    const Json* e = j->contains("error") && (*j)["error"].is_object() ? &(*j)["error"] : &*j;
    for (const char* k : {"error_code", "code"}) {
      if (e->contains(k) && (*e)[k].is_string()) {
        code = (*e)[k].get<std::string>();
        break;
      }
    }
    for (const char* k : {"error_msg", "message"}) {
      if (e->contains(k) && (*e)[k].is_string()) {
        msg = (*e)[k].get<std::string>();
        break;
      }
    }
  }
  if (msg.empty()) {
    msg = resp.body.size() < 200 && is_valid_utf8(resp.body) ? std::string(trim(resp.body)) : "";
  }
  std::string text = what + ": HTTP " + std::to_string(resp.status);
  if (!code.empty() || !msg.empty()) {
    text += " " + code + (code.empty() || msg.empty() ? "" : ": ") + msg;
  }
  ErrorCode ec = ErrorCode::remote;
  std::string hint;
  if (auto it = known_hints().find(code); it != known_hints().end()) {
    hint = it->second;
  }
  switch (resp.status) {
    case 401:
    case 403:
      ec = ErrorCode::auth;
      if (hint.empty()) {
        auto skew = skew_minutes(resp);
        if (skew && std::abs(*skew) >= 15) {
          hint = "the local clock is " + std::to_string(std::abs(*skew)) + " minutes " +
                 (*skew > 0 ? "behind" : "ahead of") +
                 " the server's; signed requests must be within 15 minutes: sync the clock (NTP)";
        } else if (to_lower(msg).find("expired") != std::string::npos) {
          hint = "the request date was rejected as stale: sync the local clock (NTP)";
        } else if (creds.token_auth()) {
          hint = "the token was rejected: get a new one (tokens last 24 hours)";
        } else {
          hint = "check the access key and secret key from " + creds.source +
                 "; run 'fstage configure' to replace them";
        }
      }
      break;
    case 404:
      ec = ErrorCode::not_found;
      break;
    case 413:
      ec = ErrorCode::limit;
      break;
    case 429:
      hint = hint.empty() ? "the API is throttling requests; try again in a minute" : hint;
      break;
    default:
      break;
  }
  if (code == "FSS.1071" || code == "FSS.1045") {
    ec = ErrorCode::limit;  // (FSS.1045 comes with 403, which is not an auth problem)
  }
  return Error(ec, text, hint);
}

namespace {

// `fields` plus `open` + base64(zip) + `close`, where `open` starts a member ("\"k\":\"").
Expected<std::string> json_with_base64(const Json& fields, std::string_view open,
                                       std::string_view close, const std::filesystem::path& zip) {
  std::error_code err;
  const auto size = std::filesystem::file_size(zip, err);
  if (err) {
    return fail(Error::from_error_code("stat", zip.string(), err));
  }
  std::ifstream in(zip, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::io, zip.string() + ": cannot open");
  }
  std::string out = fields.dump();
  out.pop_back();  // the closing brace
  out += out.size() > 1 ? "," : "";
  out += open;
  const std::size_t prefix = out.size();
  const std::size_t encoded = base64_size(size);
  out.reserve(prefix + encoded + 3);
  out.resize(prefix + encoded);
  constexpr std::size_t k_chunk = 3 << 20;  // a multiple of 3: no padding mid-stream
  std::string buf(k_chunk, '\0');
  std::size_t written = prefix;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) {
      break;
    }
    if (written + base64_size(n) > out.size()) {
      return fail(ErrorCode::io, zip.string() + ": changed while reading");
    }
    base64_encode_to(std::string_view(buf.data(), n), out.data() + written);
    written += base64_size(n);
  }
  if (written != out.size()) {
    return fail(ErrorCode::io, zip.string() + ": changed while reading");
  }
  out += close;
  return out;
}

}  // namespace

Expected<std::string> json_with_code(const Json& fields, const std::filesystem::path& zip) {
  return json_with_base64(fields, "\"func_code\":{\"file\":\"", "\"}}", zip);
}

Expected<std::string> json_with_file(const Json& fields, const std::string& field,
                                     const std::filesystem::path& zip) {
  return json_with_base64(fields, Json(field).dump() + ":\"", "\"}", zip);
}

}  // namespace fstage::deploy
