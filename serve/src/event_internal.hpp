// SPDX-License-Identifier: Apache-2.0
// The event sources' parts, shared by their files: the buckets' watcher (bucket_watch.cpp)
// and a stream reader, one per partition and trigger (stream_reader.cpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/serve/event_sources.hpp>

namespace fstage::serve::detail {

// Watches .fstage/buckets/B/ for each bucket B, subdirectories included (new ones too), and
// calls on_change(bucket, key, created) for each object written, moved in, deleted or moved
// out. Its thread ends at stop() or destruction.
class BucketWatcher {
 public:
  using OnChange =
      std::function<void(const std::string& bucket, const std::string& key, bool created)>;
  static Expected<std::unique_ptr<BucketWatcher>> start(const std::filesystem::path& buckets_dir,
                                                        const std::vector<std::string>& buckets,
                                                        OnChange on_change);
  ~BucketWatcher();
  void stop();

  struct State;

 private:
  explicit BucketWatcher(std::unique_ptr<State> s);
  std::unique_ptr<State> m;
  std::thread m_thread;
};

// One stream trigger of one function as the manifest has it.
struct StreamTrigger {
  std::string function;
  StreamKind kind = StreamKind::kafka;
  std::string topic;  // topic or DIS stream name
  std::string instance_id;
  std::string region;
  int batch_size = 100;
  int index = 0;  // among the function's triggers of this kind and topic
  // "function|KAFKA|topic|index": a reader keeps its queue across reloads under this id.
  std::string id() const;
};

// Delivers one partition's records to one trigger: batches of at most batch_size, in order,
// one in flight, a failed one retried (event_sources.hpp says the rule).
class StreamReader {
 public:
  using Log = std::function<void(std::string_view level, const std::string& message)>;
  StreamReader(StreamTrigger trigger, int partition, StreamInvoke invoke, Log log);
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  const StreamTrigger& trigger() const { return m_trigger; }
  int partition() const { return m_partition; }
  void set_batch_size(int n);
  std::size_t queued();
  std::size_t queued_locked() const { return m_queue.size(); }
  // Under the caller's lock on every reader of the topic (so that an emit is all or nothing).
  std::mutex& mutex() { return m_mutex; }
  void push_locked(StreamRecord r);
  void notify() { m_cv.notify_all(); }
  // No new batch starts.
  void begin_stop();
  // begin_stop(), waits for the batch in flight, and returns what was not delivered.
  std::vector<StreamRecord> stop();

 private:
  void loop();
  // Waits out the backoff, or until stopping; false when stopping.
  bool backoff(int attempt);

  StreamTrigger m_trigger;
  int m_partition;
  StreamInvoke m_invoke;
  Log m_log;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<StreamRecord> m_queue;  // the batch in flight stays at the front until it succeeds
  bool m_stopping = false;
  std::thread m_thread;
};

struct ObsTrigger {
  std::string function;
  std::string bucket;
  std::vector<std::string> events;
  std::string prefix;
  std::string suffix;
  std::string configuration_id;
};

struct SmnTrigger {
  std::string function;
  std::string topic_urn;
  std::string function_urn;
};

// Backoff before retry number `attempt` (1, 2, ...): 100 ms doubling, at most 5 s.
std::chrono::milliseconds stream_backoff(int attempt);

}  // namespace fstage::serve::detail

namespace fstage::serve {

struct EventSources::State {
  EventSourceOptions o;
  std::mutex mutex;  // everything below
  std::string region = "cn-north-4";
  std::vector<detail::ObsTrigger> obs;
  std::vector<detail::SmnTrigger> smn;
  std::vector<std::string> buckets;
  std::unique_ptr<detail::BucketWatcher> watcher;
  // id (StreamTrigger::id) -> one reader per partition
  std::map<std::string, std::vector<std::unique_ptr<detail::StreamReader>>> readers;
  // "KAFKA|topic" -> the next offset of each partition; whose turn a keyless record is
  std::map<std::string, std::vector<std::int64_t>> next_offset;
  std::map<std::string, std::uint64_t> turn;
  std::atomic<std::uint64_t> sequence{0};
  bool stopped = false;

  std::filesystem::path buckets_dir() const { return o.root / ".fstage" / "buckets"; }
  std::filesystem::path pending_file() const {
    return o.root / ".fstage" / "pending" / "streams" / "records.jsonl";
  }
  void log(std::string_view level, const std::string& message) const {
    if (o.log) {
      o.log(level, message);
    }
  }
  void on_object(const std::string& bucket, const std::string& key, bool created);
  Expected<void> write_pending(std::vector<std::pair<detail::StreamTrigger, StreamRecord>> records);
  void load_pending();
};

}  // namespace fstage::serve
