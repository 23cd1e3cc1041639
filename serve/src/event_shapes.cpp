// SPDX-License-Identifier: Apache-2.0
// The events the sources generate, in the platform's shapes (tests/fixtures/platform-events:
// obs.json, smn.json, kafka.json, rocketmq.json, dis.json), and the small rules around them:
// key encoding, trigger filters, partitions, the records of an emit request.
#include <algorithm>
#include <ctime>

#include <fstage/base/percent.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/serve/event_sources.hpp>

namespace fstage::serve {

namespace {

using Clock = std::chrono::system_clock;

std::tm utc_tm(Clock::time_point t) {
  std::time_t s = Clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  return tm;
}

// "2018-01-09T07:50:50.028Z" (with_ms) or "2018-01-09T07:11:40Z".
std::string iso_utc(Clock::time_point t, bool with_ms) {
  std::tm tm = utc_tm(t);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (with_ms) {
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char frac[8];
    std::snprintf(frac, sizeof(frac), ".%03d", static_cast<int>(ms));
    out += frac;
  }
  return out + "Z";
}

std::int64_t unix_seconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string_view to_string(StreamKind kind) {
  switch (kind) {
    case StreamKind::kafka:
      return "kafka";
    case StreamKind::dis:
      return "dis";
    case StreamKind::rocketmq:
      return "rocketmq";
  }
  return "kafka";
}

std::string_view trigger_type(StreamKind kind) {
  switch (kind) {
    case StreamKind::kafka:
      return "KAFKA";
    case StreamKind::dis:
      return "DIS";
    case StreamKind::rocketmq:
      return "ROCKETMQ";
  }
  return "KAFKA";
}

std::optional<StreamKind> stream_kind(std::string_view word) {
  std::string w = to_lower(std::string(word));
  if (w == "kafka") {
    return StreamKind::kafka;
  }
  if (w == "dis") {
    return StreamKind::dis;
  }
  if (w == "rocketmq") {
    return StreamKind::rocketmq;
  }
  return std::nullopt;
}

std::string obs_event(const ObjectEvent& e) {
  OrderedJson object;
  object["eTag"] = e.etag;
  object["sequencer"] = e.sequencer;
  object["key"] = encode_object_key(e.key);
  object["size"] = e.size;
  OrderedJson bucket;
  bucket["arn"] = "arn:fss:s3:::" + e.bucket;
  bucket["name"] = e.bucket;
  bucket["ownerIdentity"] = {{"PrincipalId", "fstage"}};
  OrderedJson s3;
  s3["configurationId"] = e.configuration_id;
  s3["object"] = std::move(object);
  s3["bucket"] = std::move(bucket);
  OrderedJson record;
  record["eventVersion"] = "2.0";
  record["eventTime"] = iso_utc(e.time, true);
  record["requestParameters"] = {{"sourceIPAddress", "127.0.0.1"}};
  record["s3"] = std::move(s3);
  record["awsRegion"] = e.region;
  record["eventName"] = e.created ? "ObjectCreated:Put" : "ObjectRemoved:Delete";
  record["userIdentity"] = {{"principalId", "fstage"}};
  OrderedJson out;
  out["Records"] = OrderedJson::array({std::move(record)});
  return out.dump();
}

std::string smn_event(const SmnMessage& m) {
  OrderedJson smn;
  smn["topic_urn"] = m.topic_urn;
  smn["timestamp"] = iso_utc(m.time, false);
  smn["message_attributes"] = nullptr;
  smn["message"] = m.message;
  smn["type"] = "notification";
  smn["message_id"] = m.message_id;
  smn["subject"] = m.subject;
  OrderedJson record;
  record["event_version"] = "1.0";
  record["smn"] = std::move(smn);
  record["event_subscription_urn"] = m.function_urn;
  record["event_source"] = "smn";
  OrderedJson out;
  out["record"] = OrderedJson::array({std::move(record)});
  out["functionname"] = m.function;
  out["requestId"] = m.request_id;
  // The platform writes this one as JavaScript's Date.toString(): here in UTC.
  std::tm tm = utc_tm(m.time);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a %b %d %Y %H:%M:%S GMT+0000 (UTC)", &tm);
  out["timestamp"] = buf;
  return out.dump();
}

std::string stream_event(const StreamBatch& b) {
  if (b.kind == StreamKind::dis) {
    char shard[32];
    std::snprintf(shard, sizeof(shard), "shardId-%010d", b.partition);
    OrderedJson records = OrderedJson::array();
    for (const auto& r : b.records) {
      OrderedJson one;
      one["partition_key"] = r.key.empty() ? std::string(shard) : r.key;
      one["data"] = deploy::base64_encode(r.value);
      one["sequence_number"] = std::to_string(r.offset);
      records.push_back(std::move(one));
    }
    OrderedJson cursor;
    cursor["stream-name"] = b.topic;
    cursor["partition-id"] = shard;
    cursor["starting-sequence-number"] =
        std::to_string(b.records.empty() ? 0 : b.records.back().offset + 1);
    OrderedJson message;
    message["next_partition_cursor"] = deploy::base64_encode(cursor.dump());
    message["records"] = std::move(records);
    message["millis_behind_latest"] = "";
    OrderedJson out;
    out["ShardID"] = shard;
    out["Message"] = std::move(message);
    out["Tag"] = "latest";
    out["StreamName"] = b.topic;
    return out.dump();
  }
  OrderedJson messages = OrderedJson::array();
  for (const auto& r : b.records) {
    messages.push_back(r.value);
  }
  OrderedJson record;
  record["messages"] = std::move(messages);
  record["topic_id"] = b.topic;
  OrderedJson out;
  out["event_version"] = "v1.0";
  out["event_time"] = unix_seconds(b.time);
  out["trigger_type"] = std::string(trigger_type(b.kind));
  out["region"] = b.region;
  out["instance_id"] = b.instance_id;
  out["records"] = OrderedJson::array({std::move(record)});
  return out.dump();
}

std::string encode_object_key(std::string_view key) {
  return percent_encode(key, "*", true);
}

bool obs_trigger_matches(const std::vector<std::string>& events, std::string_view prefix,
                         std::string_view suffix, bool created, std::string_view key) {
  if (!key.starts_with(prefix) || !key.ends_with(suffix)) {
    return false;
  }
  // Local writes are Puts and local deletions Deletes: the other names never fire here.
  const std::string_view family = created ? "s3:ObjectCreated:" : "s3:ObjectRemoved:";
  const std::string_view name = created ? "Put" : "Delete";
  return std::any_of(events.begin(), events.end(), [&](const std::string& e) {
    std::string_view v(e);
    return v.starts_with(family) &&
           (v.substr(family.size()) == "*" || v.substr(family.size()) == name);
  });
}

bool smn_topic_matches(std::string_view topic_urn, std::string_view topic) {
  if (topic.empty()) {
    return false;
  }
  if (topic_urn == topic) {
    return true;
  }
  auto colon = topic_urn.rfind(':');
  return topic.find(':') == std::string_view::npos && colon != std::string_view::npos &&
         topic_urn.substr(colon + 1) == topic;
}

int partition_of(std::string_view key) {
  std::uint32_t h = 2166136261u;
  for (char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<int>(h % static_cast<std::uint32_t>(k_stream_partitions));
}

Expected<std::vector<StreamRecord>> parse_records(std::string_view body) {
  std::vector<StreamRecord> out;
  std::string_view trimmed = trim(body);
  if (trimmed.starts_with('[')) {
    auto parsed = parse_json(std::string(trimmed), "the records");
    if (!parsed) {
      return tl::unexpected(std::move(parsed).error());
    }
    for (const auto& r : *parsed) {
      StreamRecord rec;
      if (r.is_string()) {
        rec.value = r.get<std::string>();
      } else if (r.is_object() && r.contains("value")) {
        if (r.contains("key") && !r.at("key").is_string()) {
          return fail(ErrorCode::invalid_input, "a record's key must be a string",
                      "records look like \"text\" or {\"key\": \"k\", \"value\": ...}");
        }
        rec.key = r.value("key", std::string());
        rec.value =
            r.at("value").is_string() ? r.at("value").get<std::string>() : r.at("value").dump();
      } else {
        rec.value = r.dump();
      }
      out.push_back(std::move(rec));
    }
    return out;
  }
  for (const auto& line : split(body, '\n')) {
    std::string_view l = line;
    if (l.ends_with('\r')) {
      l.remove_suffix(1);
    }
    if (!l.empty()) {
      StreamRecord rec;
      rec.value = std::string(l);
      out.push_back(std::move(rec));
    }
  }
  return out;
}

Expected<void> check_object_key(std::string_view key) {
  const std::string hint = "an object key like photos/cat.jpg (no empty, '.' or '..' segments)";
  if (key.empty() || key.size() > 1024) {
    return fail(ErrorCode::invalid_input, "the object key is empty or longer than 1024 bytes",
                hint);
  }
  for (const auto& segment : split(key, '/')) {
    if (segment.empty() || segment == "." || segment == "..") {
      return fail(ErrorCode::invalid_input,
                  "object key " + quote(std::string(key)) + " has " +
                      (segment.empty() ? "an empty" : "a '" + segment + "'") + " segment",
                  hint);
    }
    if (segment.starts_with(".fstage-tmp-")) {
      return fail(ErrorCode::invalid_input,
                  "object key " + quote(std::string(key)) + ": .fstage-tmp- names are serve's own",
                  hint);
    }
  }
  if (key.find('\0') != std::string_view::npos) {
    return fail(ErrorCode::invalid_input, "the object key holds a NUL byte", hint);
  }
  return {};
}

}  // namespace fstage::serve
