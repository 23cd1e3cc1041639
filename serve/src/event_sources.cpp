// SPDX-License-Identifier: Apache-2.0
// The event sources: the manifest's triggers read at each (re)load, the buckets' changes and
// SMN publications handed to Deliver, and the stream readers fed by emit.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <fstage/base/strings.hpp>

#include "event_internal.hpp"

namespace fstage::serve {

namespace fs = std::filesystem;
using detail::BucketWatcher;
using detail::ObsTrigger;
using detail::SmnTrigger;
using detail::StreamReader;
using detail::StreamTrigger;

namespace {

std::string text(const OrderedJson& f, const char* key) {
  return f.contains(key) && f[key].is_string() ? f[key].get<std::string>() : std::string();
}

}  // namespace

EventSources::EventSources(EventSourceOptions options) : m(std::make_unique<State>()) {
  m->o = std::move(options);
}

EventSources::~EventSources() {
  stop();
}

void EventSources::State::on_object(const std::string& bucket, const std::string& key,
                                    bool created) {
  ObjectEvent e;
  e.bucket = bucket;
  e.key = key;
  e.created = created;
  e.time = std::chrono::system_clock::now();
  if (created) {
    const fs::path file = buckets_dir() / bucket / key;
    std::error_code ec;
    e.size = fs::file_size(file, ec);
    if (ec) {
      return;  // gone again before we looked: its deletion follows
    }
    if (o.md5_file) {
      if (auto md5 = o.md5_file(file)) {
        e.etag = *md5;
      }
    }
  }
  char seq[40];
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(e.time.time_since_epoch());
  std::snprintf(seq, sizeof(seq), "%016llX%016llX", static_cast<unsigned long long>(ns.count()),
                static_cast<unsigned long long>(++sequence));
  e.sequencer = seq;
  std::vector<ObsTrigger> matching;
  std::string filtered_out;  // the triggers that take this kind of change, but not this key
  {
    std::lock_guard<std::mutex> lock(mutex);
    e.region = region;
    for (const auto& t : obs) {
      if (t.bucket != bucket) {
        continue;
      }
      if (obs_trigger_matches(t.events, t.prefix, t.suffix, created, key)) {
        matching.push_back(t);
      } else if (obs_trigger_matches(t.events, "", "", created, key)) {
        filtered_out += std::string(filtered_out.empty() ? "" : "; ") + quote(t.function) +
                        " takes only keys" +
                        (t.prefix.empty() ? "" : " starting with " + quote(t.prefix)) +
                        (t.prefix.empty() || t.suffix.empty() ? "" : " and") +
                        (t.suffix.empty() ? "" : " ending with " + quote(t.suffix));
      }
    }
  }
  if (matching.empty() && !filtered_out.empty()) {
    // The platform is silent here; locally, a file dropped in the wrong place is said.
    log("info", "OBS " + bucket + "/" + key + ": no trigger fires (" + filtered_out + ")");
  }
  OrderedJson delivered = OrderedJson::array();
  for (const auto& t : matching) {
    e.configuration_id = t.configuration_id;
    const std::string event = obs_event(e);
    // A full queue holds the watcher back (inotify keeps the changes that come meanwhile)
    // instead of dropping the event: it is offered again every 100 ms until taken, or until
    // serve stops.
    for (int attempt = 0;; ++attempt) {
      auto id = o.deliver(t.function, event, "obs");
      if (id) {
        delivered.push_back({{"function", t.function}, {"request_id", *id}});
        break;
      }
      bool stopping = false;
      {
        std::lock_guard<std::mutex> lock(mutex);
        stopping = stopped;
      }
      if (id.error().code != ErrorCode::limit || stopping) {
        log("warn", "OBS " + bucket + "/" + key + " -> " + quote(t.function) +
                        " not delivered: " + id.error().message);
        break;
      }
      if (attempt == 0) {
        log("warn", "OBS " + bucket + "/" + key + " -> " + quote(t.function) + ": " +
                        id.error().message + "; offered again until it is taken");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // An emit waiting for this change learns the request ids.
  std::lock_guard<std::mutex> lock(mutex);
  const std::string k = change_key(bucket, key, created);
  if (waiting.count(k) != 0) {
    fired[k] = std::move(delivered);
    fired_cv.notify_all();
  }
}

void EventSources::State::unwait(const std::string& k) {
  std::lock_guard<std::mutex> lock(mutex);
  if (--waiting[k] == 0) {
    waiting.erase(k);
    fired.erase(k);
  }
}

OrderedJson EventSources::State::wait_fired(const std::string& k) {
  std::unique_lock<std::mutex> lock(mutex);
  fired_cv.wait_for(lock, std::chrono::seconds(2), [&] { return fired.count(k) != 0; });
  OrderedJson out = fired.count(k) != 0 ? fired[k] : OrderedJson();
  if (--waiting[k] == 0) {
    waiting.erase(k);
    fired.erase(k);
  }
  return out;
}

Expected<void> EventSources::configure(const manifest::Manifest& manifest) {
  std::vector<ObsTrigger> obs;
  std::vector<SmnTrigger> smn;
  std::vector<StreamTrigger> streams;
  std::vector<std::string> buckets;
  for (const auto& fn : manifest.functions) {
    std::map<std::string, int> seen;
    for (const auto& t : fn.triggers) {
      const OrderedJson& f = t.fields;
      if (t.type == "OBS") {
        ObsTrigger o{fn.name, text(f, "bucket"), {}, text(f, "prefix"), text(f, "suffix"), ""};
        if (f.contains("events") && f["events"].is_array()) {
          for (const auto& e : f["events"]) {
            o.events.push_back(e.get<std::string>());
          }
        }
        o.configuration_id = "fstage-" + fn.name + "-" + o.bucket;
        if (std::find(buckets.begin(), buckets.end(), o.bucket) == buckets.end()) {
          buckets.push_back(o.bucket);
        }
        obs.push_back(std::move(o));
      } else if (t.type == "SMN") {
        smn.push_back({fn.name, text(f, "topic_urn"),
                       "urn:fss:" + manifest.region + ":local:function:" + manifest.package + ":" +
                           fn.name + ":latest"});
      } else if (auto kind = stream_kind(t.type)) {
        StreamTrigger s;
        s.function = fn.name;
        s.kind = *kind;
        s.topic = text(f, *kind == StreamKind::dis ? "stream_name" : "topic");
        s.instance_id = text(f, "instance_id");
        s.region = manifest.region;
        s.batch_size = f.value("batch_size", 100);
        s.index = seen[std::string(t.type) + "|" + s.topic]++;
        streams.push_back(std::move(s));
      }
    }
  }
  for (const auto& t : obs) {
    m->log("info", "OBS bucket " + t.bucket + " (" + (m->buckets_dir() / t.bucket).string() +
                       ") -> " + t.function);
  }
  for (const auto& t : smn) {
    m->log("info", "SMN topic " + t.topic_urn + " -> " + t.function);
  }
  for (const auto& t : streams) {
    m->log("info", std::string(trigger_type(t.kind)) + " " + t.topic + " -> " + t.function +
                       " (batches of up to " + std::to_string(t.batch_size) + ")");
  }
  std::vector<std::pair<StreamTrigger, StreamRecord>> orphaned;
  std::vector<std::unique_ptr<StreamReader>> retired;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    if (m->stopped) {
      return {};
    }
    m->region = manifest.region;
    m->obs = std::move(obs);
    m->smn = std::move(smn);
    // Readers of triggers that are gone: their records are kept as pending.
    for (auto it = m->readers.begin(); it != m->readers.end();) {
      bool kept = std::any_of(streams.begin(), streams.end(),
                              [&](const StreamTrigger& s) { return s.id() == it->first; });
      if (kept) {
        ++it;
        continue;
      }
      for (auto& r : it->second) {
        retired.push_back(std::move(r));
      }
      it = m->readers.erase(it);
    }
    for (const auto& s : streams) {
      auto& readers = m->readers[s.id()];
      if (!readers.empty()) {
        for (auto& r : readers) {
          r->set_batch_size(s.batch_size);
        }
        continue;
      }
      for (int p = 0; p < k_stream_partitions; ++p) {
        readers.push_back(std::make_unique<StreamReader>(
            s, p, m->o.invoke,
            [state = m.get()](std::string_view level, const std::string& message) {
              state->log(level, message);
            }));
      }
    }
  }
  for (auto& r : retired) {
    for (auto& rec : r->stop()) {
      orphaned.emplace_back(r->trigger(), std::move(rec));
    }
  }
  if (!orphaned.empty()) {
    m->log("warn", std::to_string(orphaned.size()) +
                       " stream records of removed triggers kept in " + m->pending_file().string() +
                       " until their trigger is back");
    FSTAGE_TRY(m->write_pending(std::move(orphaned)));
  }
  m->load_pending();
  if (m->watcher) {
    m->watcher->stop();
    m->watcher.reset();
  }
  m->buckets = buckets;
  if (!buckets.empty()) {
    m->watcher = FSTAGE_TRY(
        BucketWatcher::start(m->buckets_dir(), buckets,
                             [state = m.get()](const std::string& b, const std::string& k,
                                               bool created) { state->on_object(b, k, created); }));
  }
  return {};
}

void EventSources::begin_stop() {
  std::lock_guard<std::mutex> lock(m->mutex);
  for (auto& [id, readers] : m->readers) {
    for (auto& r : readers) {
      r->begin_stop();
    }
  }
}

void EventSources::stop() {
  std::map<std::string, std::vector<std::unique_ptr<StreamReader>>> readers;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    if (m->stopped) {
      return;
    }
    m->stopped = true;
    readers.swap(m->readers);
  }
  if (m->watcher) {
    m->watcher->stop();
  }
  std::vector<std::pair<StreamTrigger, StreamRecord>> left;
  for (auto& [id, list] : readers) {
    for (auto& r : list) {
      for (auto& rec : r->stop()) {
        left.emplace_back(r->trigger(), std::move(rec));
      }
    }
  }
  if (!left.empty()) {
    const std::size_t n = left.size();
    if (auto w = m->write_pending(std::move(left)); !w) {
      m->log("warn", "stream records not delivered could not be written: " + w.error().message);
    } else {
      m->log("info", std::to_string(n) + " stream records not delivered yet written to " +
                         m->pending_file().string() + "; the next start delivers them");
    }
  }
}

}  // namespace fstage::serve
