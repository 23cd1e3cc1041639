// SPDX-License-Identifier: Apache-2.0
// `triggers:` entries: the type (the API's trigger_type_code) and each type's fields, with the
// platform's defaults filled in (PLATFORM.md §3, creating_a_trigger).
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/schedule.hpp>

namespace fstage::manifest::detail {

namespace {

using Keys = std::vector<std::string_view>;

const std::vector<std::string> k_types = {"APIG",  "TIMER",    "SMN", "OBS", "DIS",
                                          "KAFKA", "ROCKETMQ", "LTS", "CTS", "DDS"};
// Trigger types the API knows that fstage does not model (yet).
const std::vector<std::string> k_platform_only = {
    "DMS", "RABBITMQ", "DEDICATEDGATEWAY", "OPENSOURCEKAFKA", "APIC", "GAUSSMONGO", "EVENTGRID"};

struct Ctx {
  Checker& c;
  const YamlNode& map;
  const std::string& path;
  OrderedJson& fields;

  const YamlNode* get(std::string_view key, bool required) const {
    return c.field(map, key, path, required);
  }
  std::string sub(std::string_view key) const { return path + "." + std::string(key); }

  // A required or optional non-empty string, stored under `key`.
  std::optional<std::string> text(std::string_view key, bool required, std::string_view expected) {
    const YamlNode* n = get(key, required);
    if (!n) {
      return std::nullopt;
    }
    auto v = c.text(*n, sub(key), expected);
    if (v && trim(*v).empty()) {
      c.error(*n, sub(key) + ": is empty", std::string(expected));
      return std::nullopt;
    }
    if (v) {
      fields[std::string(key)] = *v;
    }
    return v;
  }

  // One of `choices` (case-insensitive, stored upper-case), or `fallback` when absent.
  void choice(std::string_view key, const std::vector<std::string>& choices,
              std::string_view fallback) {
    std::string value(fallback);
    if (const YamlNode* n = get(key, false)) {
      auto v = c.text(*n, sub(key), "one of " + join(choices, ", "));
      if (!v) {
        return;
      }
      std::string upper = *v;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      if (std::find(choices.begin(), choices.end(), upper) == choices.end()) {
        auto close = closest_match(*v, choices);
        c.error(*n, sub(key) + ": " + quote(*v) + " is not valid", "one of " + join(choices, ", "),
                close ? "did you mean '" + *close + "'?" : "");
        return;
      }
      value = upper;
    }
    fields[std::string(key)] = value;
  }

  void integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t fallback,
               std::string_view unit) {
    std::int64_t value = fallback;
    if (const YamlNode* n = get(key, false)) {
      auto v = c.integer(*n, sub(key), min, max, unit);
      if (!v) {
        return;
      }
      value = *v;
    }
    fields[std::string(key)] = value;
  }
};

bool is_apig_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=:@%").find(c) != std::string_view::npos;
}

// "" when `p` is a valid APIG request path: /a/b, /users/{id}, /files/{path+} (last only).
std::string apig_path_problem(std::string_view p) {
  if (!p.starts_with('/')) {
    return "does not start with '/'";
  }
  if (p.size() == 1) {
    return "";
  }
  std::vector<std::string> segments = split(p.substr(1), '/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = segments[i];
    if (s.empty()) {
      return i + 1 == segments.size() ? "ends with '/'" : "has an empty segment ('//')";
    }
    if (s.front() == '{') {
      std::string_view name(s);
      if (!name.ends_with('}')) {
        return "segment " + quote(s) + " opens '{' without closing it";
      }
      name = name.substr(1, name.size() - 2);
      bool greedy = name.ends_with('+');
      if (greedy) {
        name.remove_suffix(1);
        if (i + 1 != segments.size()) {
          return "greedy parameter " + quote(s) + " must be the last segment";
        }
      }
      bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      });
      if (!ok) {
        return "parameter " + quote(s) + " is not a valid name";
      }
      continue;
    }
    for (char c : s) {
      if (!is_apig_char(c)) {
        return "segment " + quote(s) + " contains " + quote(std::string(1, c));
      }
    }
  }
  return "";
}

void check_apig(Ctx& t) {
  const std::string expected = "a path like /orders, /users/{id} or /files/{path+}";
  if (const YamlNode* n = t.get("path", true)) {
    if (auto v = t.c.text(*n, t.sub("path"), expected)) {
      std::string problem = apig_path_problem(*v);
      if (!problem.empty()) {
        t.c.error(*n, t.sub("path") + ": " + quote(*v) + " " + problem, expected);
      } else {
        t.fields["path"] = *v;
      }
    }
  }
  t.choice("method", {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}, "ANY");
  t.choice("auth", {"NONE", "APP", "IAM"}, "NONE");
  t.integer("timeout", 1, 60000, 5000, "milliseconds");
  // The API's CORS option (API Gateway's x-apigateway-cors): the gateway answers preflights
  // and adds its Access-Control-* headers (serve/include/fstage/serve/cors.hpp).
  t.fields["cors"] = false;
  if (const YamlNode* n = t.get("cors", false)) {
    if (auto b = t.c.boolean(*n, t.sub("cors"))) {
      t.fields["cors"] = *b;
    }
  }
  // Deploy only: the API group the API goes into, and the dedicated gateway (when not the
  // shared one). fstage serve ignores both.
  t.text("group_id", false, "an API group id from the APIG console");
  t.text("instance_id", false, "a dedicated API gateway instance id");
}

void check_timer(Ctx& t) {
  const YamlNode* sched = t.get("schedule", true);
  std::optional<std::string> text;
  if (sched) {
    text = t.c.text(*sched, t.sub("schedule"), "a rate like 5m or a cron like @every 1h");
  }
  std::string type;
  if (const YamlNode* n = t.get("schedule_type", false)) {
    if (auto v = t.c.text(*n, t.sub("schedule_type"), "Rate or Cron")) {
      std::string lower = to_lower(*v);
      if (lower == "rate" || lower == "cron") {
        type = lower == "rate" ? "Rate" : "Cron";
      } else {
        t.c.error(*n, t.sub("schedule_type") + ": " + quote(*v) + " is not valid", "Rate or Cron");
      }
    }
  } else if (text) {
    type = std::string(infer_schedule_type(*text));
  }
  if (text && !type.empty()) {
    auto parsed = parse_schedule(type, *text);
    if (!parsed) {
      const ScheduleError& e = parsed.error();
      // Offsets are bytes into the value; columns count characters.
      std::string_view before = std::string_view(*text).substr(0, e.offset);
      int chars = static_cast<int>(std::count_if(before.begin(), before.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
      }));
      int column = sched->content_column > 0 ? sched->content_column + chars : sched->column;
      t.c.error_at(sched->line, column, t.sub("schedule") + ": " + e.message,
                   e.expected + (type == "Rate" ? "" : " (" + type + ")"));
    } else {
      t.fields["schedule"] = *text;
      t.fields["schedule_type"] = type;
      if (parsed->field_count == 5) {
        t.c.warning(*sched,
                    t.sub("schedule") +
                        ": 5 cron fields are read as second minute hour "
                        "day-of-month month",
                    "", "a Unix cron like '*/5 * * * *' needs a seconds field: '0 */5 * * * *'");
      }
    }
  }
  t.text("user_event", false, "a string passed to the function as user_event");
  if (const YamlNode* n = t.get("enabled", false)) {
    if (auto b = t.c.boolean(*n, t.sub("enabled"))) {
      t.fields["enabled"] = *b;
    }
  } else {
    t.fields["enabled"] = true;
  }
}

void check_smn(Ctx& t) {
  const std::string expected = "urn:smn:<region>:<project_id>:<topic>";
  auto urn = t.text("topic_urn", true, expected);
  if (!urn) {
    return;
  }
  std::vector<std::string> parts = split(*urn, ':');
  bool ok =
      parts.size() == 5 && parts[0] == "urn" && parts[1] == "smn" &&
      std::none_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
  if (!ok) {
    t.c.error(*t.get("topic_urn", false),
              t.sub("topic_urn") + ": " + quote(*urn) + " is not an SMN topic URN", expected);
  }
}

void check_obs(Ctx& t) {
  const std::string bucket_rule = "a bucket name: 3-63 lowercase letters, digits, '-' or '.'";
  if (auto b = t.text("bucket", true, bucket_rule)) {
    bool ok = !b->empty() && b->size() <= 63 &&
              std::all_of(b->begin(), b->end(),
                          [](char c) {
                            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                                   c == '.';
                          }) &&
              std::isalnum(static_cast<unsigned char>(b->front())) &&
              std::isalnum(static_cast<unsigned char>(b->back()));
    if (!ok) {
      t.c.error(*t.get("bucket", false), t.sub("bucket") + ": " + quote(*b) + " is not valid",
                bucket_rule);
    } else if (b->size() < 3) {
      // A short name is a fine local bucket (.fstage/buckets/in/), but OBS refuses it.
      t.c.warning(*t.get("bucket", false),
                  t.sub("bucket") + ": " + quote(*b) +
                      " is shorter than OBS allows (3 characters); fstage serve takes it as a "
                      "local bucket, fstage deploy refuses it",
                  "", "rename the bucket before you deploy");
    }
  }
  static const std::vector<std::string> k_events = {"s3:ObjectCreated:*",
                                                    "s3:ObjectCreated:Put",
                                                    "s3:ObjectCreated:Post",
                                                    "s3:ObjectCreated:Copy",
                                                    "s3:ObjectCreated:CompleteMultipartUpload",
                                                    "s3:ObjectRemoved:*",
                                                    "s3:ObjectRemoved:Delete",
                                                    "s3:ObjectRemoved:DeleteMarkerCreated"};
  OrderedJson events = OrderedJson::array();
  if (const YamlNode* n = t.get("events", false)) {
    auto items = t.c.text_list(*n, t.sub("events"), "a list of event names");
    if (items && items->empty()) {
      t.c.error(*n, t.sub("events") + ": is empty", "at least one event, e.g. s3:ObjectCreated:*");
    }
    for (const auto& [node, name] : items.value_or(decltype(items)::value_type{})) {
      if (std::find(k_events.begin(), k_events.end(), name) == k_events.end()) {
        auto close = closest_match(name, k_events);
        t.c.error(*node, t.sub("events") + ": unknown event " + quote(name),
                  "one of " + join(k_events, ", "), close ? "did you mean '" + *close + "'?" : "");
      }
      events.push_back(name);
    }
  } else {
    events.push_back("s3:ObjectCreated:*");
  }
  t.fields["events"] = events;
  t.text("prefix", false, "an object key prefix");
  t.text("suffix", false, "an object key suffix");
}

void check_cts(Ctx& t) {
  const std::string expected =
      "ServiceType:ResourceType:Operation, e.g. FunctionGraph:Functions:createFunction";
  const YamlNode* n = t.get("operations", true);
  if (!n) {
    return;
  }
  auto items = t.c.text_list(*n, t.sub("operations"), "a list of " + expected);
  if (!items) {
    return;
  }
  if (items->empty()) {
    t.c.error(*n, t.sub("operations") + ": is empty", "at least one " + expected);
  }
  OrderedJson ops = OrderedJson::array();
  for (const auto& [node, op] : *items) {
    std::vector<std::string> parts = split(op, ':');
    if (parts.size() != 3 ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      t.c.error(*node, t.sub("operations") + ": " + quote(op) + " is not an operation", expected);
    }
    ops.push_back(op);
  }
  t.fields["operations"] = ops;
}

}  // namespace

std::optional<Trigger> check_trigger(Checker& c, const YamlNode& n, const std::string& path,
                                     const RuntimeInfo* runtime) {
  if (!c.expect_map(n, path, "a mapping with type and the trigger's fields")) {
    return std::nullopt;
  }
  const YamlNode* type_node = c.field(n, "type", path, true);
  if (!type_node) {
    return std::nullopt;
  }
  auto type_text = c.text(*type_node, path + ".type", "one of " + join(k_types, ", "));
  if (!type_text) {
    return std::nullopt;
  }
  std::string type = *type_text;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  if (std::find(k_types.begin(), k_types.end(), type) == k_types.end()) {
    bool platform =
        std::find(k_platform_only.begin(), k_platform_only.end(), type) != k_platform_only.end();
    auto close = closest_match(*type_text, k_types);
    c.error(*type_node,
            path + ".type: " + quote(*type_text) +
                (platform ? " triggers are not supported by fstage" : " is not a trigger type"),
            "one of " + join(k_types, ", "), close ? "did you mean '" + *close + "'?" : "");
    return std::nullopt;
  }
  if (runtime && runtime->language == Language::http && type != "APIG") {
    c.error(*type_node, path + ".type: " + type + " triggers cannot call an http function",
            "APIG (http functions only take APIG triggers)");
  }
  const std::size_t errors_before = c.error_count();
  Trigger t;
  t.type = type;
  t.where = c.where(n);
  Ctx ctx{c, n, path, t.fields};
  static const std::map<std::string, Keys, std::less<>> k_keys = {
      {"APIG", {"type", "path", "method", "auth", "timeout", "cors", "group_id", "instance_id"}},
      {"TIMER", {"type", "schedule", "schedule_type", "user_event", "enabled"}},
      {"SMN", {"type", "topic_urn"}},
      {"OBS", {"type", "bucket", "events", "prefix", "suffix"}},
      {"DIS", {"type", "stream_name", "starting_position", "batch_size", "polling_interval"}},
      {"KAFKA", {"type", "instance_id", "topic", "batch_size"}},
      {"ROCKETMQ", {"type", "instance_id", "topic", "batch_size"}},
      {"LTS", {"type", "log_group_id", "log_topic_id"}},
      {"CTS", {"type", "operations"}},
      {"DDS", {"type", "instance_id", "db_name", "collection", "batch_size"}},
  };
  c.check_keys(n, k_keys.find(type)->second, path);
  if (type == "APIG") {
    check_apig(ctx);
  } else if (type == "TIMER") {
    check_timer(ctx);
  } else if (type == "SMN") {
    check_smn(ctx);
  } else if (type == "OBS") {
    check_obs(ctx);
  } else if (type == "DIS") {
    ctx.text("stream_name", true, "the DIS stream's name");
    ctx.choice("starting_position", {"TRIM_HORIZON", "LATEST"}, "TRIM_HORIZON");
    ctx.integer("batch_size", 1, 10000, 100, "records");
    ctx.integer("polling_interval", 1, 60, 30, "seconds");
  } else if (type == "KAFKA" || type == "ROCKETMQ") {
    // DMS for Kafka and DMS for RocketMQ triggers take the same fields (rocketmq.json has
    // kafka.json's shape); `fstage serve` delivers both as streams (event_sources.hpp).
    ctx.text("instance_id", true,
             type == "KAFKA" ? "the Kafka instance's id" : "the RocketMQ instance's id");
    ctx.text("topic", true, "the topic's name");
    ctx.integer("batch_size", 1, 10000, 100, "records");
  } else if (type == "LTS") {
    ctx.text("log_group_id", true, "the LTS log group's id");
    ctx.text("log_topic_id", true, "the LTS log stream's id");
  } else if (type == "CTS") {
    check_cts(ctx);
  } else if (type == "DDS") {
    ctx.text("instance_id", true, "the DDS instance's id");
    ctx.text("db_name", false, "the database's name");
    ctx.text("collection", true, "the collection's name");
    ctx.integer("batch_size", 1, 10000, 100, "records");
  }
  if (c.error_count() != errors_before) {
    return std::nullopt;
  }
  return t;
}

}  // namespace fstage::manifest::detail
