// SPDX-License-Identifier: Apache-2.0
// Asynchronous invocation, as the platform does it (PLATFORM.md §3, §4.2; OTC-UMN
// asynchronous_invocation, configuring_asynchronous_notification_policy): an event is accepted
// at once (a request id), journaled, queued per function, run through the function's pool, retried
// on failure up to max_async_retry_attempts unless older than max_async_event_age_in_seconds,
// and its outcome sent to the on_success / on_failure destination in the platform's
// notification shape (events/async_invocation_notification.json).
//
// Nothing accepted is lost: each event is a file under .fstage/pending/async/ (written to a
// temporary name and renamed) from its acceptance to its final outcome, so a SIGTERM, a crash or
// a kill -9 of serve leaves it there and the next start delivers it (recover()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/serve/log.hpp>

namespace fstage::serve {

// Where destinations other than FunctionGraph go (the contract with the event sources): each
// returns an error when it could not deliver. An empty function is "not wired": the
// notification is kept under .fstage/pending/async/undelivered/ and serve's log says so.
// make_destination_sink() gives put_object its local default (a file under .fstage/buckets/).
struct DestinationSink {
  std::function<Expected<void>(const std::string& bucket, const std::string& key,
                               const std::string& bytes)>
      put_object;
  std::function<Expected<void>(const std::string& topic_urn, const std::string& message,
                               const std::string& subject)>
      publish_smn;
  std::function<Expected<void>(const std::string& stream_name,
                               const std::vector<std::string>& records)>
      put_records;
};

// put_object writing `.fstage/buckets/BUCKET/KEY` under `root`: a temporary `.fstage-tmp-*`
// file in the same directory, renamed into place (watchers see one complete object).
DestinationSink make_destination_sink(const std::filesystem::path& root);
Expected<void> write_bucket_object(const std::filesystem::path& root, const std::string& bucket,
                                   const std::string& key, const std::string& bytes);

// Decisions, kept pure for the tests. attempts = invocations made so far (≥ 1).
// Another attempt when retries remain and the event is still young enough to run.
bool async_should_retry(int attempts, int max_retries, std::int64_t age_ms, int max_age_s);
// The wait before attempt `attempts + 1`: base · 2^(attempts-1), at most 5 minutes. The
// platform documents no interval; fstage's default base is 1 s (FSTAGE_ASYNC_RETRY_DELAY_MS).
std::chrono::milliseconds async_backoff(int attempts, std::chrono::milliseconds base);

// The destination notification (OTC-UMN configuring_asynchronous_notification_policy, Table 2;
// events/async_invocation_notification.json).
struct AsyncOutcome {
  std::string request_id;
  std::string function_urn;
  std::string condition;  // "" on success; "UnhandledInvocationError", "EventAgeExceeded"
  int invoke_count = 0;   // attempts made
  std::string request_payload;
  int status_code = 200;       // 200 when the function succeeded
  std::string function_error;  // the error's type, "" on success
  std::string response_payload;
  std::string timestamp;  // when the first attempt started
};
OrderedJson async_notification(const AsyncOutcome& o);

// One invocation record, as ListFunctionAsyncInvocations answers it.
struct AsyncRecord {
  std::string request_id;
  std::string function;
  std::string status;  // WAIT, RUNNING, SUCCESS, FAIL, DISCARD
  std::string error_message;
  std::string start_time;  // "YYYY-MM-DDTHH:mm:ss" UTC, "" before the first attempt
  std::string end_time;
};

struct AsyncOptions {
  std::filesystem::path root;  // the project root: .fstage/pending/async, .fstage/buckets
  std::size_t queue = 128;     // events per function not yet finished (serve --queue)
  int max_in_flight = 4;       // per function at once (serve --concurrency)
  std::chrono::milliseconds retry_base{1000};
  std::string region = "cn-north-4";
  std::string package = "default";
  std::string project_id = "local";
  // Each attempt's end (serve's access log): the function, the event's source, its request id,
  // the result and how long the attempt took.
  std::function<void(const std::string& function, const std::string& source, const std::string& id,
                     const sandbox::InvokeResult& result, double ms)>
      on_attempt;
};

class AsyncInvoker {
 public:
  // Runs one invocation: false when it cannot be queued now (the pool is full or stopping);
  // `done` runs once with the result otherwise.
  using Runner = std::function<bool(const std::string& function, sandbox::InvokeRequest request,
                                    std::function<void(sandbox::InvokeResult)> done)>;
  using Clock = std::chrono::steady_clock;

  AsyncInvoker(AsyncOptions options, Runner runner, DestinationSink sink, Logger& log);
  ~AsyncInvoker();
  AsyncInvoker(const AsyncInvoker&) = delete;
  AsyncInvoker& operator=(const AsyncInvoker&) = delete;

  // The functions served and their configuration from the manifest. Called at each load:
  // settings put through the API (put_config) last until then.
  void set_functions(const std::vector<manifest::Function>& functions);
  // Accepts one event: its request id, at once. ErrorCode::not_found for a function not served,
  // ErrorCode::limit when its queue is full (never dropped silently), ErrorCode::interrupted
  // while serve stops. The Deliver signature of the event sources.
  Expected<std::string> invoke(const std::string& function, std::string event,
                               const std::string& source);
  // Re-queues the events journaled by a previous run (after a SIGTERM or a kill -9); their
  // count. Those of functions no longer served stay journaled, and the log says so.
  std::size_t recover();
  // Stops taking and starting events; queued ones stay journaled for the next start; running
  // ones finish (their outcome is delivered). stop() also waits for the scheduler.
  void drain();
  void stop();

  // The async-invoke-config API. nullopt: none configured (the platform's defaults apply).
  std::optional<manifest::AsyncInvokeConfig> config(const std::string& function) const;
  void put_config(const std::string& function, manifest::AsyncInvokeConfig config);
  bool delete_config(const std::string& function);
  // When the configuration was set ("" if never): created_time, last_modified.
  std::pair<std::string, std::string> config_times(const std::string& function) const;
  bool serves(const std::string& function) const;
  std::vector<std::string> functions() const;
  // Recent invocations of `function`, newest first.
  std::vector<AsyncRecord> records(const std::string& function) const;
  // Cancels a queued event (DISCARD, its journal removed); false when it is not queued.
  bool cancel(const std::string& function, const std::string& request_id);
  std::string function_urn(const std::string& function) const;

 private:
  struct Event {
    std::string id;
    std::string function;
    std::string event;
    std::string source;
    std::int64_t accepted_ms = 0;  // wall clock: the age survives a restart
    int attempts = 0;
    std::string first_start;  // ISO time of the first attempt
    Clock::time_point due;
  };
  struct Queue {
    std::deque<Event> waiting;
    int in_flight = 0;
    std::size_t pending = 0;  // accepted and not finished
  };
  void schedule();
  void start(Event e);
  void finished(Event e, sandbox::InvokeResult r);
  void conclude(const Event& e, const sandbox::InvokeResult* r, const std::string& condition);
  void deliver(const manifest::AsyncDestination& d, const Event& e, const OrderedJson& note);
  void keep_undelivered(const Event& e, const OrderedJson& note, const std::string& why);
  Expected<void> journal(const Event& e);
  void unjournal(const Event& e);
  void record(const Event& e, const std::string& status, const std::string& error = {});
  manifest::AsyncInvokeConfig effective(const std::string& function) const;
  std::filesystem::path journal_dir() const;

  AsyncOptions m_opts;
  Runner m_runner;
  DestinationSink m_sink;
  Logger& m_log;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::map<std::string, Queue> m_queues;
  std::map<std::string, manifest::AsyncInvokeConfig> m_configs;
  std::map<std::string, std::pair<std::string, std::string>> m_config_times;
  std::map<std::string, std::deque<AsyncRecord>> m_records;
  std::set<std::string> m_starting;  // taken from a queue, not yet accepted by the pool
  bool m_draining = false;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace fstage::serve
