// SPDX-License-Identifier: Apache-2.0
// An asynchronous event's end: its notification to the on_success / on_failure destination
// (another function through this invoker, a local OBS bucket, an SMN topic or a DIS stream
// through the DestinationSink), or the log line the platform's "discarded" is; then its journal
// is removed. Also the configuration the async-invoke-config API reads and overrides, the
// invocation records, cancel, drain and stop.
#include <algorithm>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/time.hpp>
#include <fstage/serve/async_invoke.hpp>

namespace fstage::serve {

namespace fs = std::filesystem;
namespace sb = fstage::sandbox;

namespace {

std::string iso_now() {
  return utc_iso8601(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
}

// The function a FunctionGraph destination's func_urn names (a name, or a URN's name field).
std::string urn_function(const std::string& func_urn) {
  std::vector<std::string> parts = split(func_urn, ':');
  if (parts.size() >= 7 && parts[0] == "urn" && parts[1] == "fss" && parts[4] == "function") {
    return parts[6];
  }
  return func_urn;
}

std::string error_type_of(const std::string& error, sb::InvokeStatus status) {
  OrderedJson j = OrderedJson::parse(error, nullptr, false);
  if (j.is_object() && j.contains("errorType") && j["errorType"].is_string()) {
    return j["errorType"].get<std::string>();
  }
  return std::string(sb::to_string(status));
}

}  // namespace

manifest::AsyncInvokeConfig AsyncInvoker::effective(const std::string& function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_configs.find(function);
  return it == m_configs.end() ? manifest::AsyncInvokeConfig{} : it->second;
}

void AsyncInvoker::conclude(const Event& e, const sb::InvokeResult* r,
                            const std::string& condition) {
  const bool ok = r != nullptr && r->status == sb::InvokeStatus::ok;
  manifest::AsyncInvokeConfig cfg = effective(e.function);
  AsyncOutcome o;
  o.request_id = e.id;
  o.function_urn = function_urn(e.function);
  o.condition = condition;
  o.invoke_count = e.attempts;
  o.request_payload = e.event;
  o.status_code = ok ? 200 : 500;
  o.function_error = ok || r == nullptr ? std::string() : error_type_of(r->error, r->status);
  o.response_payload = r == nullptr ? std::string() : ok ? r->result : r->error;
  o.timestamp = e.first_start.empty() ? iso_now() : e.first_start;
  const OrderedJson note = async_notification(o);
  const auto& dest = ok ? cfg.on_success : cfg.on_failure;
  if (dest) {
    deliver(*dest, e, note);
  } else if (!ok) {
    // What the platform does with a failed event that has no failure destination.
    m_log.event("warn", "asynchronous " + quote(e.function) + " " + e.id + " discarded after " +
                            std::to_string(e.attempts) + " attempt(s) (" + condition +
                            "): no on_failure destination is configured");
  }
  unjournal(e);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (auto it = m_queues.find(e.function); it != m_queues.end()) {
    --it->second.in_flight;
    --it->second.pending;
  }
  record(e,
         ok                                ? "SUCCESS"
         : condition == "EventAgeExceeded" ? "DISCARD"
                                           : "FAIL",
         ok || r == nullptr ? condition : r->error);
  m_cv.notify_all();
}

void AsyncInvoker::deliver(const manifest::AsyncDestination& d, const Event& e,
                           const OrderedJson& note) {
  const std::string text = note.dump();
  const std::string& kind = d.destination;
  std::string where;
  Expected<void> done;
  if (kind == "FunctionGraph") {
    const std::string target = urn_function(d.param.value("func_urn", ""));
    where = "function " + quote(target);
    auto id = invoke(target, text, "async-destination");
    done = id ? Expected<void>{} : Expected<void>(tl::unexpected(std::move(id).error()));
  } else if (kind == "OBS") {
    std::string prefix = d.param.value("prefix", "");
    while (!prefix.empty() && prefix.front() == '/') {
      prefix.erase(0, 1);
    }
    if (!prefix.empty() && prefix.back() != '/') {
      prefix += '/';
    }
    const std::string bucket = d.param.value("bucket", "");
    const std::string key = prefix + e.id + ".json";
    where = "bucket " + quote(bucket) + " key " + quote(key);
    if (m_sink.put_object) {
      done = m_sink.put_object(bucket, key, text);
    } else {
      done = fail(ErrorCode::not_found, "");
    }
  } else if (kind == "SMN") {
    where = "SMN topic " + quote(d.param.value("topic_urn", ""));
    if (m_sink.publish_smn) {
      done = m_sink.publish_smn(d.param.value("topic_urn", ""), text, "");
    } else {
      done = fail(ErrorCode::not_found, "");
    }
  } else {
    where = "DIS stream " + quote(d.param.value("stream_name", ""));
    if (m_sink.put_records) {
      done = m_sink.put_records(d.param.value("stream_name", ""), {text});
    } else {
      done = fail(ErrorCode::not_found, "");
    }
  }
  if (done) {
    m_log.event("info", "asynchronous " + quote(e.function) + " " + e.id +
                            ": notification sent to " + kind + " " + where);
    return;
  }
  keep_undelivered(e, note,
                   done.error().message.empty()
                       ? kind + " destinations are not wired to an event source in this serve"
                       : done.error().message);
}

void AsyncInvoker::keep_undelivered(const Event& e, const OrderedJson& note,
                                    const std::string& why) {
  fs::path dir = journal_dir() / "undelivered";
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path file = dir / (e.id + ".json");
  auto w = write_file_atomic(file, note.dump(2) + "\n");
  m_log.event("error", "asynchronous " + quote(e.function) + " " + e.id +
                           ": the notification was not delivered (" + why + "); " +
                           (w ? "kept in " + file.string() : "and could not be kept"));
}

std::optional<manifest::AsyncInvokeConfig> AsyncInvoker::config(const std::string& function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_configs.find(function);
  if (it == m_configs.end()) {
    return std::nullopt;
  }
  return it->second;
}

void AsyncInvoker::put_config(const std::string& function, manifest::AsyncInvokeConfig config) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_configs[function] = std::move(config);
  auto& times = m_config_times[function];
  const std::string now = iso_now();
  if (times.first.empty()) {
    times.first = now;
  }
  times.second = now;
}

bool AsyncInvoker::delete_config(const std::string& function) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_config_times.erase(function);
  return m_configs.erase(function) != 0;
}

std::pair<std::string, std::string> AsyncInvoker::config_times(const std::string& function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_config_times.find(function);
  return it == m_config_times.end() ? std::pair<std::string, std::string>{} : it->second;
}

std::vector<AsyncRecord> AsyncInvoker::records(const std::string& function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_records.find(function);
  if (it == m_records.end()) {
    return {};
  }
  return {it->second.begin(), it->second.end()};
}

bool AsyncInvoker::cancel(const std::string& function, const std::string& request_id) {
  std::unique_lock<std::mutex> lock(m_mutex);
  // An event being handed to the pool is back in its queue, or running, a moment later.
  m_cv.wait(lock, [&] { return m_starting.count(request_id) == 0; });
  auto it = m_queues.find(function);
  if (it == m_queues.end()) {
    return false;
  }
  auto& w = it->second.waiting;
  auto e = std::find_if(w.begin(), w.end(), [&](const Event& x) { return x.id == request_id; });
  if (e == w.end()) {
    return false;
  }
  unjournal(*e);
  record(*e, "DISCARD", "cancelled");
  w.erase(e);
  --it->second.pending;
  return true;
}

void AsyncInvoker::drain() {
  std::size_t left = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_draining = true;
    for (const auto& [name, q] : m_queues) {
      left += q.waiting.size();
    }
  }
  m_cv.notify_all();
  if (left > 0) {
    m_log.event("info", std::to_string(left) +
                            " queued asynchronous event(s) stay in .fstage/pending/async/ and run "
                            "at the next start");
  }
}

void AsyncInvoker::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_draining = true;
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

}  // namespace fstage::serve
