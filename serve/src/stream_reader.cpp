// SPDX-License-Identifier: Apache-2.0
// One partition of one stream trigger: its queue, and the thread that delivers it in batches.
#include <future>

#include <fstage/base/strings.hpp>

#include "event_internal.hpp"

namespace fstage::serve::detail {

std::string StreamTrigger::id() const {
  return function + "|" + std::string(trigger_type(kind)) + "|" + topic + "|" +
         std::to_string(index);
}

std::chrono::milliseconds stream_backoff(int attempt) {
  std::int64_t ms = 100;
  for (int i = 1; i < attempt && ms < 5000; ++i) {
    ms *= 2;
  }
  return std::chrono::milliseconds(std::min<std::int64_t>(ms, 5000));
}

StreamReader::StreamReader(StreamTrigger trigger, int partition, StreamInvoke invoke, Log log)
    : m_trigger(std::move(trigger)),
      m_partition(partition),
      m_invoke(std::move(invoke)),
      m_log(std::move(log)) {
  m_thread = std::thread([this] { loop(); });
}

StreamReader::~StreamReader() {
  stop();
}

void StreamReader::set_batch_size(int n) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_trigger.batch_size = n;
}

std::size_t StreamReader::queued() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_queue.size();
}

void StreamReader::push_locked(StreamRecord r) {
  m_queue.push_back(std::move(r));
}

void StreamReader::begin_stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_cv.notify_all();
}

std::vector<StreamRecord> StreamReader::stop() {
  begin_stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<StreamRecord> left(std::make_move_iterator(m_queue.begin()),
                                 std::make_move_iterator(m_queue.end()));
  m_queue.clear();
  return left;
}

bool StreamReader::backoff(int attempt) {
  std::unique_lock<std::mutex> lock(m_mutex);
  return !m_cv.wait_for(lock, stream_backoff(attempt), [this] { return m_stopping; });
}

void StreamReader::loop() {
  int attempt = 0;  // failures of the batch at the front
  while (true) {
    StreamBatch batch;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) {
        return;
      }
      const std::size_t n =
          std::min<std::size_t>(m_queue.size(), static_cast<std::size_t>(m_trigger.batch_size));
      // A retried batch is the same records: what came since waits for the next one.
      batch.records.assign(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(n));
    }
    batch.kind = m_trigger.kind;
    batch.topic = m_trigger.topic;
    batch.instance_id = m_trigger.instance_id;
    batch.region = m_trigger.region;
    batch.partition = m_partition;
    batch.time = std::chrono::system_clock::now();
    const std::int64_t first = batch.records.front().offset;
    const std::int64_t last = batch.records.back().offset;

    auto promise = std::make_shared<std::promise<sandbox::InvokeResult>>();
    auto future = promise->get_future();
    bool queued =
        m_invoke(m_trigger.function, stream_event(batch),
                 [promise](sandbox::InvokeResult r) { promise->set_value(std::move(r)); });
    std::string failure;
    if (!queued) {
      failure = "could not be queued (the function is busy, missing or stopping)";
    } else {
      sandbox::InvokeResult r = future.get();
      if (r.status == sandbox::InvokeStatus::ok) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.erase(m_queue.begin(),
                      m_queue.begin() + static_cast<std::ptrdiff_t>(batch.records.size()));
        attempt = 0;
        continue;
      }
      if (r.status == sandbox::InvokeStatus::cancelled) {
        continue;  // serve is stopping: the records stay queued and are written as pending
      }
      failure = std::string(sandbox::to_string(r.status)) +
                (r.error.empty() ? "" : ": " + std::string(trim(r.error.substr(0, 200))));
    }
    ++attempt;
    m_log("warn", std::string(trigger_type(m_trigger.kind)) + " " + quote(m_trigger.topic) +
                      " partition " + std::to_string(m_partition) + ": batch of " +
                      std::to_string(batch.records.size()) + " (offsets " + std::to_string(first) +
                      "-" + std::to_string(last) + ") to " + quote(m_trigger.function) +
                      " failed (" + failure + "); retry " + std::to_string(attempt) + " in " +
                      std::to_string(stream_backoff(attempt).count()) + " ms");
    if (!backoff(attempt)) {
      return;
    }
  }
}

}  // namespace fstage::serve::detail
