// SPDX-License-Identifier: Apache-2.0
// The event sources: the manifest's triggers read at each (re)load, the buckets' changes and
// SMN publications handed to Deliver, and the stream readers fed by emit.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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
  {
    std::lock_guard<std::mutex> lock(mutex);
    e.region = region;
    for (const auto& t : obs) {
      if (t.bucket == bucket && obs_trigger_matches(t.events, t.prefix, t.suffix, created, key)) {
        matching.push_back(t);
      }
    }
  }
  for (const auto& t : matching) {
    e.configuration_id = t.configuration_id;
    auto id = o.deliver(t.function, obs_event(e), "obs");
    if (!id) {
      log("warn", "OBS " + bucket + "/" + key + " -> " + quote(t.function) +
                      " not delivered: " + id.error().message);
    }
  }
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
