// SPDX-License-Identifier: Apache-2.0
// The event sources of `fstage serve`: the manifest's OBS, SMN, KAFKA, DIS and ROCKETMQ
// triggers, fired locally with the platform's event shapes (tests/fixtures/platform-events).
//
// - OBS: a bucket is the directory .fstage/buckets/BUCKET/ (keys with '/' are subdirectories).
//   A file closed after writing or moved in fires ObjectCreated:Put, a file deleted or moved
//   out ObjectRemoved:Delete, for each trigger whose events, prefix and suffix match. Names
//   starting with .fstage-tmp- are ignored: writers write one and rename it into place.
// - SMN: publish() fires every function whose SMN trigger names the topic (its full URN or the
//   URN's last part).
// - OBS and SMN events go to Deliver (asynchronous on the platform; the gateway decides how).
// - Streams (KAFKA, DIS, ROCKETMQ): records go to k_stream_partitions partitions per topic (a
//   record's key picks one by hash; keyless records take turns) and get increasing offsets per
//   partition. Each trigger reads each partition on its own: batches of at most batch_size, in
//   offset order, one batch in flight per partition and trigger. A batch that fails (any
//   InvokeStatus but ok) is retried, the same records, after 100 ms doubling up to 5 s, until
//   it succeeds: a record is never skipped, and nothing after it is delivered before it.
//   FunctionGraph documents no retry rule for its stream triggers (only for asynchronous
//   invocation); this follows what comparable platforms document (Tencent SCF's CKafka
//   trigger: synchronous, the next batch only after the previous one, exponential backoff until
//   it succeeds). A full partition queue refuses the records (ErrorCode::limit); none is
//   dropped.
// - stop() writes the records not yet delivered to .fstage/pending/streams/records.jsonl; the
//   next configure() (the next start, or a reload that brings their trigger back) queues them
//   again before anything new.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::serve {

inline constexpr int k_stream_partitions = 4;
// Records waiting per partition and trigger before emit answers "queue full".
inline constexpr std::size_t k_stream_queue = 50000;

// Hands an OBS or SMN event to a function: its request id. Errors: limit (queue full),
// not_found (no such function).
using Deliver = std::function<Expected<std::string>(
    const std::string& function, std::string event_json, const std::string& source)>;
// Runs one stream batch on a function; `done` gets its result. False when it cannot be queued
// now (no such function, its queue is full, serve is stopping): the batch is retried.
using StreamInvoke = std::function<bool(const std::string& function, std::string event,
                                        std::function<void(sandbox::InvokeResult)> done)>;

enum class StreamKind { kafka, dis, rocketmq };
std::string_view to_string(StreamKind kind);  // "kafka", "dis", "rocketmq"
// The trigger type ("KAFKA", "DIS", "ROCKETMQ").
std::string_view trigger_type(StreamKind kind);
// From "kafka"/"KAFKA", ...; nullopt for another word.
std::optional<StreamKind> stream_kind(std::string_view word);

struct StreamRecord {
  std::string key;  // "" = none (partitions taken in turn)
  std::string value;
  int partition = 0;
  std::int64_t offset = 0;
};

// ---- What the sources generate (event_shapes.cpp): pure, tested against the platform's.

struct ObjectEvent {
  std::string bucket;
  std::string key;  // as stored (not encoded)
  bool created = true;
  std::uint64_t size = 0;
  std::string etag;  // MD5 hex of the content ("" for a deletion)
  std::chrono::system_clock::time_point time;
  std::string sequencer;  // 32 upper-case hex digits, increasing
  std::string region;
  std::string configuration_id;  // the trigger's
};
std::string obs_event(const ObjectEvent& e);

struct SmnMessage {
  std::string topic_urn;
  std::string message;
  std::string subject;
  std::string message_id;
  std::string request_id;
  std::string function;      // the subscriber's name
  std::string function_urn;  // event_subscription_urn
  std::chrono::system_clock::time_point time;
};
std::string smn_event(const SmnMessage& m);

struct StreamBatch {
  StreamKind kind = StreamKind::kafka;
  std::string topic;        // the topic (Kafka, RocketMQ) or the stream's name (DIS)
  std::string instance_id;  // Kafka, RocketMQ
  std::string region;
  int partition = 0;
  std::vector<StreamRecord> records;
  std::chrono::system_clock::time_point time;
};
// kafka.json / rocketmq.json's shape, or dis.json's (data base64, sequence_number, ShardID).
std::string stream_event(const StreamBatch& b);

// An OBS key as the platform's events carry it: URL-encoded, '/' kept, ' ' as '+'.
std::string encode_object_key(std::string_view key);
// Does an OBS trigger with these fields fire for this change? `events` are the manifest's
// (s3:ObjectCreated:*, s3:ObjectRemoved:Delete, ...).
bool obs_trigger_matches(const std::vector<std::string>& events, std::string_view prefix,
                         std::string_view suffix, bool created, std::string_view key);
// Does an SMN trigger's topic_urn take `topic` (a full URN or its last ':' part)?
bool smn_topic_matches(std::string_view topic_urn, std::string_view topic);
// The partition of a keyed record (FNV-1a of the key).
int partition_of(std::string_view key);
// The records of an emit request: a JSON array (strings, or objects {"key", "value"} whose
// value may be any JSON, passed as its text) or, when the body is not a JSON array, one
// record per non-empty line. Errors: invalid_input.
Expected<std::vector<StreamRecord>> parse_records(std::string_view body);
// Is `key` a key serve may write under a bucket directory (no "..", no empty segment, no
// .fstage-tmp- name)? Errors: invalid_input, with why.
Expected<void> check_object_key(std::string_view key);

// ---- The sources.

struct EventSourceOptions {
  std::filesystem::path root;  // the project root (.fstage/ is under it)
  Deliver deliver;
  StreamInvoke invoke;
  // serve's log: level ("info", "warn") and message.
  std::function<void(std::string_view level, const std::string& message)> log;
  // MD5 hex of a file (the eTag); when null, eTags are "".
  std::function<Expected<std::string>(const std::filesystem::path&)> md5_file;
};

class EventSources {
 public:
  explicit EventSources(EventSourceOptions options);
  ~EventSources();
  EventSources(const EventSources&) = delete;
  EventSources& operator=(const EventSources&) = delete;

  // (Re)reads the manifest's triggers: creates the buckets' directories and watches them,
  // starts a reader per stream partition and trigger (a reader whose trigger is unchanged
  // keeps its queue), and queues the pending records whose trigger is back.
  Expected<void> configure(const manifest::Manifest& m);

  // What emit does. Each answer is the JSON the emit route returns.
  Expected<OrderedJson> put_object(const std::string& bucket, const std::string& key,
                                   std::string_view bytes);
  Expected<OrderedJson> delete_object(const std::string& bucket, const std::string& key);
  Expected<OrderedJson> publish(const std::string& topic, const std::string& message,
                                const std::string& subject);
  Expected<OrderedJson> put_records(StreamKind kind, const std::string& topic,
                                    std::vector<StreamRecord> records);

  // No new batch starts (SIGTERM's drain); does not wait.
  void begin_stop();
  // Stops the watcher and the readers (a batch in flight ends first: its pool's drain answers
  // it) and writes the records not delivered to .fstage/pending/streams/.
  void stop();

  struct State;

 private:
  std::unique_ptr<State> m;
};

}  // namespace fstage::serve
