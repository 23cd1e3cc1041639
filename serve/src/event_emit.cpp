// SPDX-License-Identifier: Apache-2.0
// What emit does to the sources: write or delete an object in a local bucket, publish to an
// SMN topic, queue stream records.

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "event_internal.hpp"

namespace fstage::serve {

namespace fs = std::filesystem;
using detail::StreamReader;
using detail::StreamTrigger;

namespace {

std::string topic_key(StreamKind kind, const std::string& topic) {
  return std::string(trigger_type(kind)) + "|" + topic;
}

Expected<void> check_bucket(const std::string& bucket) {
  bool ok =
      !bucket.empty() && bucket.size() <= 63 &&
      std::all_of(bucket.begin(), bucket.end(),
                  [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
                  }) &&
      bucket.front() != '.' && bucket.find("..") == std::string::npos;
  if (!ok) {
    return fail(ErrorCode::invalid_input, "bucket " + quote(bucket) + " is not a bucket name",
                "up to 63 lowercase letters, digits, '-' or '.'");
  }
  return {};
}

// The bytes written to a .fstage-tmp- file beside `path`, then renamed onto it: the watcher
// sees one whole object (f22-contract: local buckets).
Expected<void> write_object(const fs::path& path, std::string_view bytes) {
  return write_file_atomic(path, bytes, 0644, ".fstage-tmp-");
}

}  // namespace

// How many OBS triggers take a change of this object; the functions they call.
static OrderedJson obs_matches(const std::vector<std::string>& functions) {
  OrderedJson list = OrderedJson::array();
  for (const auto& f : functions) {
    list.push_back(f);
  }
  return list;
}

Expected<OrderedJson> EventSources::put_object(const std::string& bucket, const std::string& key,
                                               std::string_view bytes) {
  FSTAGE_TRY(check_bucket(bucket));
  FSTAGE_TRY(check_object_key(key));
  const fs::path path = m->buckets_dir() / bucket / key;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(ErrorCode::io,
                "cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  if (fs::is_directory(path, ec)) {
    return fail(ErrorCode::invalid_input,
                "object key " + quote(key) + " is a directory in bucket " + quote(bucket),
                "a key names a file; give the whole key, e.g. " + key + "/name.txt");
  }
  std::vector<std::string> functions;
  const std::string change = State::change_key(bucket, key, true);
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    for (const auto& t : m->obs) {
      if (t.bucket == bucket && obs_trigger_matches(t.events, t.prefix, t.suffix, true, key)) {
        functions.push_back(t.function);
      }
    }
    if (!functions.empty()) {
      ++m->waiting[change];
    }
  }
  if (auto w = write_object(path, bytes); !w) {
    if (!functions.empty()) {
      m->unwait(change);
    }
    return tl::unexpected(std::move(w).error());
  }
  OrderedJson out;
  out["bucket"] = bucket;
  out["key"] = key;
  out["size"] = bytes.size();
  out["path"] = path.string();
  out["event"] = "ObjectCreated:Put";
  out["functions"] = obs_matches(functions);
  if (!functions.empty()) {
    out["delivered"] = m->wait_fired(change);
  }
  if (functions.empty()) {
    out["note"] =
        "no OBS trigger of the manifest fires for this object (bucket, events, "
        "prefix, suffix)";
  }
  return out;
}

Expected<OrderedJson> EventSources::delete_object(const std::string& bucket,
                                                  const std::string& key) {
  FSTAGE_TRY(check_bucket(bucket));
  FSTAGE_TRY(check_object_key(key));
  const fs::path path = m->buckets_dir() / bucket / key;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return fail(ErrorCode::not_found, "bucket " + quote(bucket) + " has no object " + quote(key),
                "the objects are the files under " + (m->buckets_dir() / bucket).string());
  }
  std::vector<std::string> functions;
  const std::string change = State::change_key(bucket, key, false);
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    for (const auto& t : m->obs) {
      if (t.bucket == bucket && obs_trigger_matches(t.events, t.prefix, t.suffix, false, key)) {
        functions.push_back(t.function);
      }
    }
    if (!functions.empty()) {
      ++m->waiting[change];
    }
  }
  if (!fs::remove(path, ec) || ec) {
    if (!functions.empty()) {
      m->unwait(change);
    }
    return fail(ErrorCode::io, "cannot delete " + path.string() + ": " + ec.message());
  }
  OrderedJson out;
  out["bucket"] = bucket;
  out["key"] = key;
  out["event"] = "ObjectRemoved:Delete";
  out["functions"] = obs_matches(functions);
  if (!functions.empty()) {
    out["delivered"] = m->wait_fired(change);
  }
  if (functions.empty()) {
    out["note"] = "no OBS trigger of the manifest fires for this deletion";
  }
  return out;
}

Expected<OrderedJson> EventSources::publish(const std::string& topic, const std::string& message,
                                            const std::string& subject) {
  std::vector<std::tuple<std::string, std::string, std::string>> targets;  // fn, urn, fn urn
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    for (const auto& t : m->smn) {
      if (smn_topic_matches(t.topic_urn, topic)) {
        targets.emplace_back(t.function, t.topic_urn, t.function_urn);
      }
    }
  }
  SmnMessage msg;
  msg.message = message;
  msg.subject = subject;
  msg.time = std::chrono::system_clock::now();
  msg.message_id = sandbox::new_request_id();
  msg.message_id.erase(std::remove(msg.message_id.begin(), msg.message_id.end(), '-'),
                       msg.message_id.end());
  OrderedJson delivered = OrderedJson::array();
  std::string refused;
  for (const auto& [function, urn, function_urn] : targets) {
    msg.topic_urn = urn;
    msg.function = function;
    msg.function_urn = function_urn;
    msg.request_id = sandbox::new_request_id();
    auto id = m->o.deliver(function, smn_event(msg), "smn");
    if (!id) {
      if (id.error().code == ErrorCode::limit) {
        return tl::unexpected(std::move(id).error());
      }
      refused += (refused.empty() ? "" : "; ") + function + ": " + id.error().message;
      continue;
    }
    delivered.push_back({{"function", function}, {"request_id", *id}});
  }
  OrderedJson out;
  out["topic"] = topic;
  out["message_id"] = msg.message_id;
  out["delivered"] = std::move(delivered);
  if (targets.empty()) {
    out["note"] = "no SMN trigger of the manifest listens to " + quote(topic) +
                  " (give a topic_urn or its last part)";
  }
  if (!refused.empty()) {
    out["errors"] = refused;
  }
  return out;
}

Expected<OrderedJson> EventSources::put_records(StreamKind kind, const std::string& topic,
                                                std::vector<StreamRecord> records) {
  OrderedJson out;
  out["type"] = std::string(to_string(kind));
  out["topic"] = topic;
  std::lock_guard<std::mutex> lock(m->mutex);
  if (m->stopped) {
    return fail(ErrorCode::limit, "fstage serve is stopping", "emit again once it runs");
  }
  // Every reader of this topic, by partition.
  std::vector<std::vector<StreamReader*>> by_partition(k_stream_partitions);
  OrderedJson functions = OrderedJson::array();
  for (auto& [id, readers] : m->readers) {
    if (readers.empty() || readers[0]->trigger().kind != kind ||
        readers[0]->trigger().topic != topic) {
      continue;
    }
    functions.push_back(readers[0]->trigger().function);
    for (auto& r : readers) {
      by_partition[static_cast<std::size_t>(r->partition())].push_back(r.get());
    }
  }
  out["functions"] = functions;
  if (functions.empty()) {
    out["accepted"] = 0;
    out["note"] = "no " + std::string(trigger_type(kind)) + " trigger of the manifest reads " +
                  quote(topic) + "; the records were not kept";
    return out;
  }
  const std::string tk = topic_key(kind, topic);
  auto& offsets = m->next_offset[tk];
  offsets.resize(k_stream_partitions, 0);
  std::uint64_t& turn = m->turn[tk];
  std::vector<std::size_t> count(k_stream_partitions, 0);
  const std::uint64_t turn_before = turn;
  for (auto& r : records) {
    r.partition =
        r.key.empty() ? static_cast<int>(turn++ % k_stream_partitions) : partition_of(r.key);
    ++count[static_cast<std::size_t>(r.partition)];
  }
  // All or nothing: every reader locked, every queue checked, then the records queued.
  std::vector<std::unique_lock<std::mutex>> locks;
  for (auto& readers : by_partition) {
    for (auto* r : readers) {
      locks.emplace_back(r->mutex());
    }
  }
  for (std::size_t p = 0; p < by_partition.size(); ++p) {
    for (auto* r : by_partition[p]) {
      if (r->queued_locked() + count[p] > k_stream_queue) {
        turn = turn_before;  // nothing taken: keyless records start where they did
        return fail(ErrorCode::limit,
                    std::string(trigger_type(kind)) + " " + quote(topic) + " partition " +
                        std::to_string(p) + " of " + quote(r->trigger().function) + " is full (" +
                        std::to_string(r->queued_locked()) + " records waiting, at most " +
                        std::to_string(k_stream_queue) + ")",
                    "emit again once the function has caught up (fstage logs shows its progress)");
      }
    }
  }
  OrderedJson parts = OrderedJson::array();
  std::vector<std::int64_t> first(k_stream_partitions, -1);
  for (auto& r : records) {
    const auto p = static_cast<std::size_t>(r.partition);
    r.offset = offsets[p]++;
    if (first[p] < 0) {
      first[p] = r.offset;
    }
    for (auto* reader : by_partition[p]) {
      reader->push_locked(r);
    }
  }
  for (std::size_t p = 0; p < by_partition.size(); ++p) {
    if (count[p] != 0) {
      parts.push_back({{"partition", p},
                       {"first_offset", first[p]},
                       {"last_offset", offsets[p] - 1},
                       {"count", count[p]}});
    }
  }
  locks.clear();
  for (auto& readers : by_partition) {
    for (auto* r : readers) {
      r->notify();
    }
  }
  out["accepted"] = records.size();
  out["partitions"] = std::move(parts);
  return out;
}

}  // namespace fstage::serve
