// SPDX-License-Identifier: Apache-2.0
// serve's stream sources: batches in order, failed batches retried, a full queue, pending
// records across a stop and a reload.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/deploy/plan.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/serve/event_routes.hpp>
#include <fstage/serve/event_sources.hpp>

#include "event_sources_support.hpp"

using namespace fstage;
using namespace fstage::serve;
namespace fs = std::filesystem;
using test::FakeFunction;
using test::manifest_of;
using test::Scratch;

TEST_CASE("event sources: batches in order, failed batches retried, never lost",
          "[event_sources]") {
  Scratch s;
  FakeFunction fn;
  fn.fail = [](std::size_t call) { return call % 3 == 2; };  // every third call fails
  EventSourceOptions o;
  o.root = s.dir;
  o.invoke = fn.invoke();
  o.deliver = [](const std::string&, std::string, const std::string&) -> Expected<std::string> {
    return std::string("id");
  };
  EventSources sources(o);
  REQUIRE(sources.configure(
      manifest_of(s.dir, "      - {type: KAFKA, instance_id: i, topic: t, batch_size: 3}\n")));
  std::vector<StreamRecord> records;
  for (int i = 0; i < 20; ++i) {
    records.push_back({"same-key", std::to_string(i), 0, 0});  // one partition: one order
  }
  auto a = sources.put_records(StreamKind::kafka, "t", records);
  REQUIRE(a);
  CHECK((*a)["accepted"] == 20);
  REQUIRE(fn.wait_for(20));
  sources.stop();
  std::vector<std::string> got;
  std::lock_guard<std::mutex> lock(fn.mutex);
  for (std::size_t i = 0; i < fn.calls.size(); ++i) {
    CHECK(fn.calls[i].size() <= 3);
    if (fn.failed[i]) {
      REQUIRE(i + 1 < fn.calls.size());
      CHECK(fn.calls[i + 1] == fn.calls[i]);  // the same batch again
    } else {
      got.insert(got.end(), fn.calls[i].begin(), fn.calls[i].end());
    }
  }
  REQUIRE(got.size() == 20);
  for (int i = 0; i < 20; ++i) {
    CHECK(got[static_cast<std::size_t>(i)] == std::to_string(i));
  }
  auto none = sources.put_records(StreamKind::dis, "t", records);
  REQUIRE_FALSE(none);  // stopped
}

TEST_CASE("event sources: a topic without triggers, a full queue, pending across a stop",
          "[event_sources]") {
  Scratch s;
  test::HeldFunction held;  // never finishes until released: the queue fills
  EventSourceOptions o;
  o.root = s.dir;
  o.invoke = held.invoke();
  o.deliver = [](const std::string&, std::string, const std::string&) -> Expected<std::string> {
    return std::string("id");
  };
  auto m = manifest_of(s.dir, "      - {type: DIS, stream_name: s, batch_size: 10}\n");
  {
    EventSources sources(o);
    REQUIRE(sources.configure(m));
    auto none = sources.put_records(StreamKind::kafka, "s", {{"", "x", 0, 0}});
    REQUIRE(none);
    CHECK((*none)["accepted"] == 0);
    CHECK((*none).contains("note"));
    std::vector<StreamRecord> many(k_stream_queue, StreamRecord{"k", "v", 0, 0});
    REQUIRE(sources.put_records(StreamKind::dis, "s", many));
    auto full = sources.put_records(StreamKind::dis, "s", {{"k", "one more", 0, 0}});
    REQUIRE_FALSE(full);
    CHECK(full.error().code == ErrorCode::limit);
    CHECK_FALSE(full.error().hint.empty());
    sources.begin_stop();
    held.release();
    sources.stop();
  }
  const fs::path pending = s.dir / ".fstage/pending/streams/records.jsonl";
  REQUIRE(fs::exists(pending));
  auto text = read_file(pending);
  REQUIRE(text);
  CHECK(static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n')) == k_stream_queue);

  // The next start queues them again, offsets continuing after them.
  FakeFunction fn;
  o.invoke = fn.invoke();
  EventSources again(o);
  REQUIRE(again.configure(m));
  CHECK_FALSE(fs::exists(pending));
  auto next = again.put_records(StreamKind::dis, "s", {{"k", "after", 0, 0}});
  REQUIRE(next);
  CHECK((*next)["partitions"][0]["first_offset"] == static_cast<std::int64_t>(k_stream_queue));
  REQUIRE(fn.wait_for(k_stream_queue + 1));
  again.stop();
}

TEST_CASE("event sources: a reload that removes a stream trigger keeps its records",
          "[event_sources]") {
  Scratch s;
  test::HeldFunction held;
  EventSourceOptions o;
  o.root = s.dir;
  o.invoke = held.invoke();
  o.deliver = [](const std::string&, std::string, const std::string&) -> Expected<std::string> {
    return std::string("id");
  };
  const auto with = manifest_of(s.dir, "      - {type: KAFKA, instance_id: i, topic: t}\n");
  const auto without = manifest_of(s.dir, "      - {type: DIS, stream_name: other}\n");
  EventSources sources(o);
  REQUIRE(sources.configure(with));
  REQUIRE(sources.put_records(StreamKind::kafka, "t", {{"k", "1", 0, 0}, {"k", "2", 0, 0}}));
  held.release();  // the batch in flight ends cancelled: its records stay queued
  REQUIRE(sources.configure(without));
  const fs::path pending = s.dir / ".fstage/pending/streams/records.jsonl";
  REQUIRE(fs::exists(pending));
  auto text = read_file(pending);
  REQUIRE(text);
  CHECK(std::count(text->begin(), text->end(), '\n') == 2);
  auto gone = sources.put_records(StreamKind::kafka, "t", {{"k", "3", 0, 0}});
  REQUIRE(gone);
  CHECK((*gone)["accepted"] == 0);
  // The trigger is back: its records are queued again (the file is consumed).
  REQUIRE(sources.configure(with));
  CHECK_FALSE(fs::exists(pending));
  sources.stop();
  text = read_file(pending);  // still not delivered (the fake never succeeds): kept again
  REQUIRE(text);
  CHECK(std::count(text->begin(), text->end(), '\n') == 2);
}
