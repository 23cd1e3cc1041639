// SPDX-License-Identifier: Apache-2.0
// The stream records kept across a stop or a reload that removed their trigger:
// .fstage/pending/streams/records.jsonl, one JSON record per line, read back by configure().
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "event_internal.hpp"

namespace fstage::serve {

namespace fs = std::filesystem;
using detail::StreamReader;
using detail::StreamTrigger;

// One line per record: {"trigger": id, "type", "topic", "function", "partition", "offset",
// "key", "value"}. Records already there are kept (appended to).
Expected<void> EventSources::State::write_pending(
    std::vector<std::pair<StreamTrigger, StreamRecord>> records) {
  const fs::path file = pending_file();
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::string text;
  if (fs::exists(file, ec)) {
    text = FSTAGE_TRY(read_file(file));
  }
  for (const auto& [t, r] : records) {
    OrderedJson line;
    line["trigger"] = t.id();
    line["type"] = std::string(trigger_type(t.kind));
    line["topic"] = t.topic;
    line["function"] = t.function;
    line["partition"] = r.partition;
    line["offset"] = r.offset;
    line["key"] = r.key;
    line["value"] = r.value;
    text += line.dump() + "\n";
  }
  return write_file_atomic(file, text);
}

// Queues the pending records whose trigger is served; the others stay in the file. Called
// under no lock, by configure().
void EventSources::State::load_pending() {
  const fs::path file = pending_file();
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return;
  }
  auto text = read_file(file);
  if (!text) {
    log("warn", "pending stream records not read: " + text.error().message);
    return;
  }
  std::string kept;
  std::size_t queued = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& line : split(*text, '\n')) {
      if (trim(line).empty()) {
        continue;
      }
      auto j = parse_json(line, file.string());
      if (!j || !j->is_object()) {
        log("warn", file.string() + ": a line that is not a record was dropped");
        continue;
      }
      StreamRecord r;
      r.partition = j->value("partition", 0);
      r.offset = j->value("offset", std::int64_t{0});
      r.key = j->value("key", std::string());
      r.value = j->value("value", std::string());
      auto& offsets =
          next_offset[j->value("type", std::string()) + "|" + j->value("topic", std::string())];
      offsets.resize(k_stream_partitions, 0);
      if (r.partition < 0 || r.partition >= k_stream_partitions) {
        r.partition = 0;
      }
      auto& next = offsets[static_cast<std::size_t>(r.partition)];
      next = std::max(next, r.offset + 1);
      auto it = readers.find(j->value("trigger", std::string()));
      if (it == readers.end()) {
        kept += line + "\n";
        continue;
      }
      StreamReader& reader = *it->second[static_cast<std::size_t>(r.partition)];
      {
        std::lock_guard<std::mutex> rl(reader.mutex());
        reader.push_locked(std::move(r));
      }
      reader.notify();
      ++queued;
    }
  }
  if (kept.empty()) {
    fs::remove(file, ec);
  } else if (auto w = write_file_atomic(file, kept); !w) {
    log("warn", "pending stream records: " + w.error().message);
  }
  if (queued != 0) {
    log("info", std::to_string(queued) + " pending stream records from the last run queued again");
  }
}

}  // namespace fstage::serve
