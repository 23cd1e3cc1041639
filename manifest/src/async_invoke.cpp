// SPDX-License-Identifier: Apache-2.0
// A function's `async_invoke:` block: the platform's asynchronous invocation settings with its
// field names (UpdateFunctionAsyncInvokeConfig), destinations written flat:
//   async_invoke:
//     max_async_retry_attempts: 2          # 0-3, default 1
//     max_async_event_age_in_seconds: 600  # 1-86400, default 3600
//     on_success: {destination: OBS, bucket: out, prefix: results/}
//     on_failure: {destination: FunctionGraph, func_urn: on-error}
// Ranges and defaults: OTC-API configuring_asynchronous_execution_notification (request body,
// Table 3) and OTC-UMN configuring_asynchronous_notification_policy (Max. Retries 0-3, default
// 1; Max. Validity Period 1-86400 s). OBS `expires` is 0-365 days (0: never). The API's
// destination enum is OBS, SMN, FunctionGraph; the user manual adds DIS ("pushing execution
// success information to DIS"), which the Terraform provider accepts too.
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::manifest::detail {

namespace {

constexpr std::string_view k_async_keys[] = {"max_async_event_age_in_seconds",
                                             "max_async_retry_attempts", "enable_async_status_log",
                                             "on_success", "on_failure"};

struct Kind {
  std::string_view name;
  std::vector<std::string_view> keys;  // besides `destination`
  std::string_view required;           // "" when none
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"FunctionGraph", {"destination", "func_urn"}, "func_urn"},
      {"OBS", {"destination", "bucket", "prefix", "expires"}, "bucket"},
      {"SMN", {"destination", "topic_urn"}, "topic_urn"},
      {"DIS", {"destination", "stream_name"}, "stream_name"},
  };
  return k;
}

bool valid_bucket(const std::string& b) {
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return b.size() >= 3 && b.size() <= 63 && lower_alnum(b.front()) && lower_alnum(b.back()) &&
         std::all_of(b.begin(), b.end(),
                     [&](char c) { return lower_alnum(c) || c == '-' || c == '.'; });
}

std::optional<AsyncDestination> check_destination(Checker& c, const YamlNode& n,
                                                  const std::string& path) {
  if (!c.expect_map(n, path,
                    "a mapping such as {destination: FunctionGraph, func_urn: other-function}")) {
    return std::nullopt;
  }
  const YamlNode* dn = c.field(n, "destination", path, true);
  if (dn == nullptr) {
    return std::nullopt;
  }
  auto d = c.text(*dn, path + ".destination", "FunctionGraph, OBS, SMN or DIS");
  if (!d) {
    return std::nullopt;
  }
  const Kind* kind = nullptr;
  std::vector<std::string> names;
  for (const auto& k : kinds()) {
    names.emplace_back(k.name);
    if (k.name == *d) {
      kind = &k;
    }
  }
  if (kind == nullptr) {
    auto close = closest_match(*d, names);
    c.error(*dn, path + ".destination: unknown destination " + quote(*d),
            "one of " + join(names, ", "), close ? "did you mean '" + *close + "'?" : "");
    return std::nullopt;
  }
  c.check_keys(n, kind->keys, path);
  AsyncDestination out;
  out.destination = std::string(kind->name);
  out.where = c.where(n);
  const std::size_t errors_before = c.error_count();
  for (std::string_view key : kind->keys) {
    if (key == "destination") {
      continue;
    }
    const YamlNode* v = c.field(n, key, path, key == kind->required);
    if (v == nullptr) {
      continue;
    }
    const std::string vpath = path + "." + std::string(key);
    if (key == "expires") {
      if (auto days =
              c.integer(*v, vpath, 0, 365, "days", "0-365 days (0: the object never expires)")) {
        out.param["expires"] = *days;
      }
      continue;
    }
    auto text = c.text(*v, vpath, "a string");
    if (!text) {
      continue;
    }
    if (key == "bucket" && !valid_bucket(*text)) {
      c.error(*v, vpath + ": " + quote(*text) + " is not a valid bucket name",
              "3-63 lowercase letters, digits, '-' or '.'");
    } else if (key == "topic_urn") {
      std::vector<std::string> parts = split(*text, ':');
      if (parts.size() != 5 || parts[0] != "urn" || parts[1] != "smn") {
        c.error(*v, vpath + ": " + quote(*text) + " is not an SMN topic URN",
                "urn:smn:<region>:<project_id>:<topic>");
      }
    } else if (text->empty()) {
      c.error(*v, vpath + ": is empty", "a non-empty string");
    }
    out.param[std::string(key)] = *text;
  }
  if (out.destination == "FunctionGraph" && out.param.contains("func_urn")) {
    // Where it was written: the cross-function check reports there.
    const YamlNode* v = c.field(n, "func_urn", path, false);
    out.where = c.where(*v);
  }
  if (c.error_count() != errors_before) {
    return std::nullopt;
  }
  return out;
}

// The function a FunctionGraph destination names: a bare name or the name field of a URN
// (urn:fss:<region>:<project>:function:<package>:<name>[:<version>]).
std::string destination_function(const std::string& func_urn) {
  std::vector<std::string> parts = split(func_urn, ':');
  if (parts.size() >= 7 && parts[0] == "urn" && parts[1] == "fss" && parts[4] == "function") {
    return parts[6];
  }
  return func_urn;
}

}  // namespace

void check_async_invoke(Checker& c, const YamlNode& n, const std::string& path, Function& f) {
  if (!c.expect_map(n, path, "a mapping with max_async_retry_attempts, on_failure, ...")) {
    return;
  }
  c.check_keys(n, k_async_keys, path);
  AsyncInvokeConfig cfg;
  if (const YamlNode* v = c.field(n, "max_async_event_age_in_seconds", path, false)) {
    if (auto s = c.integer(*v, path + ".max_async_event_age_in_seconds", 1, k_max_async_event_age_s,
                           "seconds", "1-86400 seconds (default 3600)")) {
      cfg.max_async_event_age_in_seconds = static_cast<int>(*s);
    }
  }
  if (const YamlNode* v = c.field(n, "max_async_retry_attempts", path, false)) {
    if (auto r = c.integer(*v, path + ".max_async_retry_attempts", 0, k_max_async_retry_attempts,
                           "retries", "0-3 retries (default 1)")) {
      cfg.max_async_retry_attempts = static_cast<int>(*r);
    }
  }
  if (const YamlNode* v = c.field(n, "enable_async_status_log", path, false)) {
    if (auto b = c.boolean(*v, path + ".enable_async_status_log")) {
      cfg.enable_async_status_log = *b;
    }
  }
  for (std::string_view which : {"on_success", "on_failure"}) {
    if (const YamlNode* v = c.field(n, which, path, false)) {
      auto d = check_destination(c, *v, path + "." + std::string(which));
      (which == "on_success" ? cfg.on_success : cfg.on_failure) = std::move(d);
    }
  }
  f.async_invoke = std::move(cfg);
}

// Once every function is known: a FunctionGraph destination names one of them (serve delivers
// to the local function; a function elsewhere cannot be reached), and not the function itself
// nor one that names it back (OTC-UMN configuring_asynchronous_notification_policy: "To avoid
// cyclic invocation, do not set two functions as asynchronous execution targets of each other").
void check_async_destinations(Checker& c, const Manifest& m, std::span<const std::string> defined) {
  std::vector<std::string> names(defined.begin(), defined.end());
  auto targets = [&](const Function& f) {
    std::vector<std::pair<const AsyncDestination*, std::string>> out;
    if (!f.async_invoke) {
      return out;
    }
    for (const auto* d : {&f.async_invoke->on_success, &f.async_invoke->on_failure}) {
      if (*d && (*d)->destination == "FunctionGraph") {
        out.emplace_back(&**d, destination_function((*d)->param.value("func_urn", "")));
      }
    }
    return out;
  };
  for (const auto& f : m.functions) {
    c.set_function(f.name);
    for (const auto& [d, target] : targets(f)) {
      const std::string shown = quote(d->param.value("func_urn", ""));
      if (target == f.name) {
        c.error_at(d->where.line, d->where.column,
                   "functions." + f.name + ".async_invoke: " + shown +
                       " is the function itself: a failed event would invoke it again and again",
                   "another function of the manifest",
                   "the platform warns against cyclic invocation; send it to another function, "
                   "OBS or SMN");
        continue;
      }
      const Function* other = m.find(target);
      if (std::find(names.begin(), names.end(), target) == names.end()) {
        auto close = closest_match(target, names);
        c.error_at(d->where.line, d->where.column,
                   "functions." + f.name + ".async_invoke: func_urn " + shown +
                       " names no function of the manifest",
                   names.empty() ? std::string("a function of the manifest")
                                 : "one of " + join(names, ", "),
                   close ? "did you mean '" + *close + "'?"
                         : "fstage serve delivers to the manifest's functions only");
        continue;
      }
      if (other == nullptr) {
        continue;  // defined, but with errors of its own
      }
      for (const auto& [back, back_target] : targets(*other)) {
        if (back_target == f.name) {
          c.error_at(d->where.line, d->where.column,
                     "functions." + f.name + ".async_invoke: " + quote(target) + " and " +
                         quote(f.name) + " are each other's destinations",
                     "destinations that do not lead back",
                     "the platform warns: to avoid cyclic invocation, do not set two functions "
                     "as asynchronous execution targets of each other");
          break;
        }
      }
    }
    c.set_function({});
  }
}

}  // namespace fstage::manifest::detail
