// SPDX-License-Identifier: Apache-2.0
// A function's platform settings, written with the API's field names (UpdateFunctionConfig,
// support.huaweicloud.com/api-functiongraph/functiongraph_06_0111.html; PLATFORM.md §4.2-4.3):
//   func_vpc: {vpc_id, subnet_id, security_groups: [...]}   needs xrole (the SDK's FuncVpc:
//             "需同时为函数配置具有vpc权限的委托" - configure an agency with VPC rights as well)
//   xrole: agency                                           an IAM agency name
//   strategy_config: {concurrency: -1..1000, concurrent_num: 1..1000}  (SDK StrategyConfig:
//             -1 no limit, 0 disables the function; concurrent_num requests per instance)
//   log_config: {group_id, stream_id, group_name, stream_name}  an LTS group and stream
//   tags: {key: value}   at most 20 (usermanual functiongraph_01_1839); key 1-36 of A-Z a-z 0-9
//             - _ or CJK, value 0-36 of those and '.' (CreateTags KvItem, api
//             functiongraph_06_1023)
//   encrypted_env: {NAME: value}   -> encrypted_user_data; same names as env, never both
//   pre_stop_handler / pre_stop_timeout (1-90 s, OTC-API; needs the handler)
#include <algorithm>
#include <cstdint>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::manifest::detail {

namespace {

constexpr int k_max_env_chars = 4096;  // env and encrypted_env together (functiongraph_01_0154)

// Next code point of UTF-8 `s` at `i` (advanced); 0xFFFD for a malformed byte.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  int extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : 3;
  std::uint32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 7);
  for (; extra > 0; --extra) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      return 0xFFFD;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

// The tag charset of the API: letters, digits, '-', '_' (and '.' in values), CJK U+4E00-U+9FFF.
bool tag_text_ok(std::string_view s, bool value, std::size_t max) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const std::uint32_t c = next_code_point(s, i);
    const bool ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || (value && c == '.');
    if (!ascii && !(c >= 0x4E00 && c <= 0x9FFF)) {
      return false;
    }
  }
  return n <= max;
}

// VPC, subnet, security group and LTS ids: UUIDs on the platform; fstage checks the charset.
bool id_ok(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// An IAM agency name: 1-64 letters, digits, spaces, '-', '_', '.'.
bool agency_ok(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ' ';
  });
}

std::optional<std::string> id_field(Checker& c, const YamlNode& map, std::string_view key,
                                    const std::string& path, bool required) {
  const YamlNode* n = c.field(map, key, path, required);
  if (n == nullptr) {
    return std::nullopt;
  }
  const std::string p = path + "." + std::string(key);
  auto text = c.text(*n, p, "an id such as 7e6b1f0c-2a9d-4c3b-9f1e-0a8d5c4b3a21");
  if (text && !id_ok(*text)) {
    c.error(*n, p + ": " + quote(*text) + " is not an id", "1-64 letters, digits and '-'",
            "copy the id from the console (VPC or LTS), not its name");
    return std::nullopt;
  }
  return text;
}

void check_vpc(Checker& c, const YamlNode& n, const std::string& path, FunctionSettings& s) {
  if (!c.expect_map(n, path, "a mapping {vpc_id, subnet_id[, security_groups]}")) {
    return;
  }
  static constexpr std::string_view k_keys[] = {"vpc_id", "subnet_id", "security_groups"};
  c.check_keys(n, k_keys, path);
  OrderedJson vpc = OrderedJson::object();
  auto vpc_id = id_field(c, n, "vpc_id", path, true);
  auto subnet_id = id_field(c, n, "subnet_id", path, true);
  if (!vpc_id || !subnet_id) {
    return;
  }
  vpc["vpc_id"] = *vpc_id;
  vpc["subnet_id"] = *subnet_id;
  if (const YamlNode* g = c.field(n, "security_groups", path, false)) {
    auto items = c.text_list(*g, path + ".security_groups", "a list of security group ids");
    OrderedJson groups = OrderedJson::array();
    for (const auto& [node, text] : items.value_or(decltype(items)::value_type{})) {
      if (!id_ok(text)) {
        c.error(*node, path + ".security_groups: " + quote(text) + " is not an id",
                "1-64 letters, digits and '-'");
      }
      groups.push_back(text);
    }
    vpc["security_groups"] = std::move(groups);
  }
  s.func_vpc = std::move(vpc);
}

void check_strategy(Checker& c, const YamlNode& n, const std::string& path, FunctionSettings& s) {
  if (!c.expect_map(n, path, "a mapping {concurrency[, concurrent_num]}")) {
    return;
  }
  static constexpr std::string_view k_keys[] = {"concurrency", "concurrent_num"};
  c.check_keys(n, k_keys, path);
  OrderedJson sc = OrderedJson::object();
  if (const YamlNode* v = c.field(n, "concurrency", path, true)) {
    if (auto x = c.integer(*v, path + ".concurrency", -1, 1000, "instances",
                           "-1 (no limit) to 1000 instances")) {
      sc["concurrency"] = *x;
      if (*x == 0) {
        c.warning(*v, path + ".concurrency: 0 disables the function", "",
                  "the platform refuses every request of a function with 0 instances");
      }
    }
  }
  if (const YamlNode* v = c.field(n, "concurrent_num", path, false)) {
    if (auto x = c.integer(*v, path + ".concurrent_num", 1, 1000, "requests",
                           "1-1000 requests per instance")) {
      sc["concurrent_num"] = *x;
    }
  }
  if (sc.contains("concurrency")) {
    s.strategy_config = std::move(sc);
  }
}

void check_log(Checker& c, const YamlNode& n, const std::string& path, FunctionSettings& s) {
  if (!c.expect_map(n, path, "a mapping {group_id, stream_id[, group_name, stream_name]}")) {
    return;
  }
  static constexpr std::string_view k_keys[] = {"group_id", "stream_id", "group_name",
                                                "stream_name"};
  c.check_keys(n, k_keys, path);
  auto group = id_field(c, n, "group_id", path, true);
  auto stream = id_field(c, n, "stream_id", path, true);
  if (!group || !stream) {
    return;
  }
  OrderedJson lc = {{"group_id", *group}, {"stream_id", *stream}};
  for (std::string_view key : {"group_name", "stream_name"}) {
    if (const YamlNode* v = c.field(n, key, path, false)) {
      if (auto t = c.text(*v, path + "." + std::string(key), "the name shown in LTS")) {
        lc[std::string(key)] = *t;
      }
    }
  }
  s.log_config = std::move(lc);
}

void check_tags(Checker& c, const YamlNode& n, const std::string& path, FunctionSettings& s) {
  if (!c.expect_map(n, path, "a mapping of key: value")) {
    return;
  }
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& e : n.entries) {
    const std::string& key = e.key->value;
    if (tags.size() == k_max_tags) {
      c.error(*e.key, path + ": more than 20 tags", "at most 20 tags per function",
              "the platform keeps 20 tags per function; drop or merge some");
    }
    if (key.starts_with("_sys_")) {
      c.error(*e.key, path + ": " + quote(key) + " starts with _sys_, which the system reserves",
              "a key that does not start with _sys_");
    } else if (key.empty() || !tag_text_ok(key, false, 36)) {
      c.error(*e.key, path + ": " + quote(key) + " is not a valid tag key",
              "1-36 letters, digits, '-', '_' or CJK characters");
    }
    std::string value;
    if (!e.value->is_null()) {
      auto t = c.text(*e.value, path + "." + key, "a string of at most 36 characters");
      if (!t) {
        continue;
      }
      value = *t;
    }
    if (!tag_text_ok(value, true, 36)) {
      c.error(*e.value, path + "." + key + ": " + quote(value) + " is not a valid tag value",
              "0-36 letters, digits, '.', '-', '_' or CJK characters");
    }
    tags.emplace_back(key, value);
  }
  s.tags = std::move(tags);
}

void check_encrypted_env(Checker& c, const YamlNode& n, const std::string& path, Function& f) {
  if (!c.expect_map(n, path, "a mapping of NAME: value")) {
    return;
  }
  std::vector<std::pair<std::string, std::string>> vars;
  std::size_t total = 0;
  for (const auto& [k, v] : f.env) {
    total += k.size() + v.size();
  }
  for (const auto& e : n.entries) {
    const std::string& key = e.key->value;
    if (check_env_key(c, *e.key, path) &&
        std::any_of(f.env.begin(), f.env.end(), [&](const auto& kv) { return kv.first == key; })) {
      c.error(*e.key, path + ": " + quote(key) + " is also in env",
              "each name in env or encrypted_env, not both", "keep a secret in encrypted_env only");
    }
    std::string value;
    if (!e.value->is_null()) {
      // Never echo the value: it is a secret.
      if (!e.value->is_scalar()) {
        c.error(*e.value, path + "." + key + ": found " + describe(*e.value),
                "a string, number or boolean");
        continue;
      }
      value = e.value->value;
    }
    total += key.size() + value.size();
    vars.emplace_back(key, value);
  }
  if (total > k_max_env_chars) {
    c.error(n, path + ": env and encrypted_env hold " + std::to_string(total) + " characters",
            "at most 4096 characters of names and values together");
  }
  f.settings.encrypted_env = std::move(vars);
}

}  // namespace

void check_function_settings(Checker& c, const YamlNode& body, const std::string& path, Function& f,
                             bool known_runtime) {
  FunctionSettings& s = f.settings;
  const YamlNode* vpc = c.field(body, "func_vpc", path, false);
  if (vpc) {
    check_vpc(c, *vpc, path + ".func_vpc", s);
  }
  if (const YamlNode* n = c.field(body, "xrole", path, false)) {
    if (auto t = c.text(*n, path + ".xrole", "an IAM agency name")) {
      if (agency_ok(*t)) {
        s.xrole = *t;
      } else {
        c.error(*n, path + ".xrole: " + quote(*t) + " is not an agency name",
                "1-64 letters, digits, spaces, '-', '_' or '.'",
                "the name of an IAM agency delegated to FunctionGraph (IAM > Agencies)");
      }
    }
  }
  if (vpc && !c.field(body, "xrole", path, false)) {
    c.error(*vpc, path + ".func_vpc: a VPC needs an agency", "xrole: an agency with VPC rights",
            "add `xrole: <agency>` naming an IAM agency that grants FunctionGraph the VPC "
            "Administrator role: the platform refuses a VPC without one");
  }
  if (const YamlNode* n = c.field(body, "strategy_config", path, false)) {
    check_strategy(c, *n, path + ".strategy_config", s);
    const int concurrency = s.instance_quota();
    if (concurrency > 0 && f.reserved_instances > concurrency) {
      c.error(*n,
              path + ".strategy_config.concurrency: " + std::to_string(concurrency) +
                  " is below reserved_instances (" + std::to_string(f.reserved_instances) + ")",
              "concurrency of at least reserved_instances",
              "reserved instances count against the function's instance limit");
    }
  }
  if (const YamlNode* n = c.field(body, "log_config", path, false)) {
    check_log(c, *n, path + ".log_config", s);
  }
  if (const YamlNode* n = c.field(body, "tags", path, false)) {
    check_tags(c, *n, path + ".tags", s);
  }
  if (const YamlNode* n = c.field(body, "encrypted_env", path, false)) {
    check_encrypted_env(c, *n, path + ".encrypted_env", f);
  }
  const YamlNode* handler = c.field(body, "pre_stop_handler", path, false);
  if (handler) {
    if (auto t = c.text(*handler, path + ".pre_stop_handler", "a handler such as index.pre_stop")) {
      std::string expected;
      const bool plain =
          f.runtime.language == Language::custom || f.runtime.language == Language::http;
      std::string problem =
          known_runtime && !plain ? handler_problem(f.runtime, *t, expected) : std::string();
      if (!problem.empty()) {
        c.error(*handler, path + ".pre_stop_handler: " + quote(*t) + " " + problem,
                expected + " for " + std::string(f.runtime.name));
      } else {
        s.pre_stop_handler = *t;
      }
    }
  }
  if (const YamlNode* n = c.field(body, "pre_stop_timeout", path, false)) {
    if (auto v = c.integer(*n, path + ".pre_stop_timeout", 1, 90, "seconds", "1-90 seconds")) {
      s.pre_stop_timeout = static_cast<int>(*v);
    }
    if (!handler) {
      c.error(*n, path + ".pre_stop_timeout: set without a pre_stop_handler",
              "pre_stop_handler beside it",
              "add `pre_stop_handler: <file.function>`, or remove pre_stop_timeout");
    }
  }
}

}  // namespace fstage::manifest::detail
