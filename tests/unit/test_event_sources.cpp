// SPDX-License-Identifier: Apache-2.0
// serve's event sources: the events they generate have the platform's shapes; OBS and SMN
// filters; records and partitions; the emit routes; the bucket watcher; ROCKETMQ triggers.
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

#include "event_shape_compare.hpp"
#include "event_sources_support.hpp"

using namespace fstage;
using namespace fstage::serve;
namespace fs = std::filesystem;
using test::FakeFunction;
using test::manifest_of;
using test::Scratch;

namespace {

std::string shape_diff(const std::string& ours, const char* platform_file) {
  auto theirs = read_file(fs::path(FSTAGE_PLATFORM_EVENTS) / platform_file);
  REQUIRE(theirs);
  auto a = parse_json(ours, "ours");
  auto b = parse_json(*theirs, platform_file);
  REQUIRE(a);
  REQUIRE(b);
  std::string diff;
  test::compare_shape(*a, *b, platform_file, diff);
  return diff;
}

StreamBatch batch_of(StreamKind kind, int n) {
  StreamBatch b;
  b.kind = kind;
  b.topic = "orders";
  b.instance_id = "i-1";
  b.region = "cn-north-4";
  b.partition = 2;
  for (int i = 0; i < n; ++i) {
    b.records.push_back({"k", "message " + std::to_string(i), 2, 40 + i});
  }
  b.time = std::chrono::system_clock::now();
  return b;
}

// A scratch project directory, removed at the end.

}  // namespace

TEST_CASE("event sources: generated events match the platform's payloads", "[event_sources]") {
  ObjectEvent o;
  o.bucket = "in";
  o.key = "photos/a b.txt";
  o.size = 5;
  o.etag = "5d41402abc4b2a76b9719d911017c592";
  o.time = std::chrono::system_clock::now();
  o.sequencer = "0000000000000000000000000000000A";
  o.region = "cn-north-4";
  CHECK(shape_diff(obs_event(o), "obs.json") == "");
  o.created = false;
  CHECK(shape_diff(obs_event(o), "obs.json") == "");
  auto j = parse_json(obs_event(o), "obs");
  REQUIRE(j);
  CHECK((*j)["Records"][0]["eventName"] == "ObjectRemoved:Delete");
  CHECK((*j)["Records"][0]["s3"]["object"]["key"] == "photos%2Fa+b.txt");

  SmnMessage m;
  m.topic_urn = "urn:smn:cn-north-4:p:alerts";
  m.message = "hello";
  m.subject = "s";
  m.message_id = "a51671f77d4a479cacb09e2cd591a983";
  m.time = std::chrono::system_clock::now();
  CHECK(shape_diff(smn_event(m), "smn.json") == "");

  CHECK(shape_diff(stream_event(batch_of(StreamKind::kafka, 3)), "kafka.json") == "");
  CHECK(shape_diff(stream_event(batch_of(StreamKind::rocketmq, 3)), "rocketmq.json") == "");
  CHECK(shape_diff(stream_event(batch_of(StreamKind::dis, 3)), "dis.json") == "");
  auto dis = parse_json(stream_event(batch_of(StreamKind::dis, 2)), "dis");
  REQUIRE(dis);
  CHECK((*dis)["ShardID"] == "shardId-0000000002");
  CHECK((*dis)["Message"]["records"][1]["sequence_number"] == "41");
  CHECK((*dis)["Message"]["records"][0]["data"] == "bWVzc2FnZSAw");  // "message 0"
  auto rq = parse_json(stream_event(batch_of(StreamKind::rocketmq, 1)), "rq");
  REQUIRE(rq);
  CHECK((*rq)["trigger_type"] == "ROCKETMQ");
}

TEST_CASE("event sources: OBS and SMN filters", "[event_sources]") {
  const std::vector<std::string> created = {"s3:ObjectCreated:*"};
  CHECK(obs_trigger_matches(created, "", ".txt", true, "a/b.txt"));
  CHECK_FALSE(obs_trigger_matches(created, "", ".txt", true, "a/b.png"));
  CHECK_FALSE(obs_trigger_matches(created, "", "", false, "a.txt"));
  CHECK(obs_trigger_matches(created, "in/", "", true, "in/x"));
  CHECK_FALSE(obs_trigger_matches(created, "in/", "", true, "out/x"));
  CHECK(obs_trigger_matches({"s3:ObjectRemoved:Delete"}, "", "", false, "x"));
  CHECK_FALSE(obs_trigger_matches({"s3:ObjectCreated:Post"}, "", "", true, "x"));
  CHECK_FALSE(obs_trigger_matches({"s3:ObjectRemoved:DeleteMarkerCreated"}, "", "", false, "x"));

  CHECK(smn_topic_matches("urn:smn:cn-north-4:p:alerts", "alerts"));
  CHECK(smn_topic_matches("urn:smn:cn-north-4:p:alerts", "urn:smn:cn-north-4:p:alerts"));
  CHECK_FALSE(smn_topic_matches("urn:smn:cn-north-4:p:alerts", "alert"));
  CHECK_FALSE(smn_topic_matches("urn:smn:cn-north-4:p:alerts", "urn:smn:x:p:alerts"));

  CHECK(encode_object_key("a b/ü%.txt") == "a+b%2F%C3%BC%25.txt");
  CHECK(check_object_key("a/b.txt"));
  CHECK_FALSE(check_object_key("a/../b"));
  CHECK_FALSE(check_object_key("a//b"));
  CHECK_FALSE(check_object_key("a/.fstage-tmp-1"));
}

TEST_CASE("event sources: records, partitions", "[event_sources]") {
  auto lines = parse_records("one\r\ntwo\n\nthree\n");
  REQUIRE(lines);
  REQUIRE(lines->size() == 3);
  CHECK((*lines)[1].value == "two");
  auto array = parse_records(R"(["a", {"key": "k", "value": {"n": 1}}, 7])");
  REQUIRE(array);
  REQUIRE(array->size() == 3);
  CHECK((*array)[1].key == "k");
  CHECK((*array)[1].value == R"({"n":1})");
  CHECK((*array)[2].value == "7");
  CHECK_FALSE(parse_records("[1, 2"));
  std::set<int> seen;
  for (int i = 0; i < 100; ++i) {
    int p = partition_of("key" + std::to_string(i));
    CHECK(p >= 0);
    CHECK(p < k_stream_partitions);
    CHECK(partition_of("key" + std::to_string(i)) == p);
    seen.insert(p);
  }
  CHECK(seen.size() == static_cast<std::size_t>(k_stream_partitions));
}

TEST_CASE("event sources: the emit routes answer JSON, 429 when full", "[event_sources]") {
  Scratch s;
  std::mutex mutex;  // delivered
  test::HeldFunction held;
  EventSourceOptions o;
  o.root = s.dir;
  o.invoke = held.invoke();
  std::vector<std::string> delivered;
  o.deliver = [&](const std::string& fn, std::string event,
                  const std::string& source) -> Expected<std::string> {
    std::lock_guard<std::mutex> lock(mutex);
    delivered.push_back(fn + " " + source + " " + event);
    return std::string("req-1");
  };
  EventSources sources(o);
  REQUIRE(sources.configure(
      manifest_of(s.dir,
                  "      - {type: ROCKETMQ, instance_id: r, topic: pay, batch_size: 2}\n"
                  "      - {type: SMN, topic_urn: \"urn:smn:cn-north-4:p:alerts\"}\n"
                  "      - {type: OBS, bucket: in, suffix: .txt}\n")));
  CHECK(fs::is_directory(s.dir / ".fstage/buckets/in"));
  auto call = [&](const std::string& method, const std::string& path, const std::string& body) {
    HttpRequestData d;
    d.method = method;
    d.path = path;
    d.body = body;
    auto r = answer_emit(&sources, d);
    REQUIRE(r);
    return *r;
  };
  HttpRequestData other;
  other.method = "GET";
  other.path = "/_fstage/metrics";
  CHECK_FALSE(answer_emit(&sources, other));
  auto r = call("POST", "/_fstage/emit/rocketmq/pay", R"(["a", "b", "c"])");
  CHECK(r.status == 200);
  CHECK(r.body.find(R"("accepted":3)") != std::string::npos);
  r = call("POST", "/_fstage/emit/kafka/pay", "x\n");
  CHECK(r.status == 200);
  CHECK(r.body.find("no KAFKA trigger") != std::string::npos);
  r = call("POST", "/_fstage/emit/rocketmq/pay", "[1, ");
  CHECK(r.status == 400);
  r = call("POST", "/_fstage/emit/sqs/pay", "x");
  CHECK(r.status == 404);
  r = call("GET", "/_fstage/emit/rocketmq/pay", "");
  CHECK(r.status == 405);
  std::string many = "[";
  for (std::size_t i = 0; i < k_stream_queue; ++i) {
    many += std::string(i == 0 ? "" : ",") + R"({"key":"k","value":"v"})";
  }
  many += "]";
  r = call("POST", "/_fstage/emit/rocketmq/pay", many);
  CHECK(r.status == 429);
  CHECK(r.body.find("\"hint\"") != std::string::npos);
  bool retry_after = false;
  for (const auto& [k, v] : r.headers) {
    retry_after = retry_after || k == "Retry-After";
  }
  CHECK(retry_after);

  r = call("POST", "/_fstage/emit/smn/alerts", R"({"message": "m", "subject": "s"})");
  CHECK(r.status == 200);
  CHECK(r.body.find("req-1") != std::string::npos);
  r = call("PUT", "/_fstage/emit/obs/in/a/b.txt", "hello");
  CHECK(r.status == 200);
  CHECK(r.body.find(R"("functions":["f"])") != std::string::npos);
  // The answer waits for the watcher's delivery: its request id.
  CHECK(r.body.find(R"("delivered":[{"function":"f","request_id":"req-1"}])") != std::string::npos);
  auto written = read_file(s.dir / ".fstage/buckets/in/a/b.txt");
  REQUIRE(written);
  CHECK(*written == "hello");
  r = call("PUT", "/_fstage/emit/obs/in/../x.txt", "no");
  CHECK(r.status == 400);
  r = call("DELETE", "/_fstage/emit/obs/in/missing.txt", "");
  CHECK(r.status == 404);
  // The watcher saw the PUT: an OBS event for f (asynchronously, within a moment).
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (delivered.size() >= 2) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    // At least once: an object written while its new directory's watch is being set up may
    // be reported by both the watch and the scan of the directory (bucket_watch.cpp).
    REQUIRE(delivered.size() >= 2);
    CHECK(delivered[0].starts_with("f smn {\"record\""));
    CHECK(delivered[1].starts_with("f obs {\"Records\""));
    CHECK(delivered[1].find(R"("key":"a%2Fb.txt","size":5)") != std::string::npos);
  }
  held.release();
  sources.stop();
}

TEST_CASE("ROCKETMQ triggers validate like KAFKA's and are refused at deploy", "[event_sources]") {
  auto v = manifest::validate_text(
      "name: ev\nfunctions:\n  f:\n    runtime: Python3.10\n"
      "    handler: index.handler\n    triggers:\n"
      "      - {type: rocketmq, instance_id: r-1, topic: t}\n",
      "fstage.yaml");
  REQUIRE(v.errors.empty());
  REQUIRE(v.manifest);
  const auto& t = v.manifest->functions.at(0).triggers.at(0);
  CHECK(t.type == "ROCKETMQ");
  CHECK(t.fields["batch_size"] == 100);
  auto bad = manifest::validate_text(
      "name: ev\nfunctions:\n  f:\n    runtime: Python3.10\n"
      "    handler: index.handler\n    triggers:\n"
      "      - {type: ROCKETMQ, topic: t, batch_size: 0}\n",
      "fstage.yaml");
  CHECK(bad.errors.size() == 2);  // instance_id missing, batch_size out of range
  auto refused = deploy::desired_trigger(t);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("ROCKETMQ") != std::string::npos);
}

TEST_CASE("event sources: the bucket watcher ignores .fstage-tmp- files, reports moves",
          "[event_sources]") {
  Scratch s;
  std::mutex mutex;
  std::vector<std::string> seen;  // "eventName key"
  EventSourceOptions o;
  o.root = s.dir;
  o.invoke = [](const std::string&, std::string, const std::string&,
                std::function<void(sandbox::InvokeResult)>) { return false; };
  o.deliver = [&](const std::string&, std::string event,
                  const std::string&) -> Expected<std::string> {
    auto j = parse_json(event, "obs");
    REQUIRE(j);
    const auto& r = (*j)["Records"][0];
    std::lock_guard<std::mutex> lock(mutex);
    seen.push_back(r["eventName"].get<std::string>() + " " +
                   r["s3"]["object"]["key"].get<std::string>());
    return std::string("id");
  };
  EventSources sources(o);
  REQUIRE(sources.configure(
      manifest_of(s.dir,
                  "      - {type: OBS, bucket: in, events: [\"s3:ObjectCreated:*\", "
                  "\"s3:ObjectRemoved:*\"]}\n")));
  const fs::path bucket = s.dir / ".fstage/buckets/in";
  auto wait = [&](std::size_t n) {
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (seen.size() >= n) {
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  {
    std::ofstream tmp(bucket / ".fstage-tmp-x");  // written and closed: never reported
    tmp << "tmp";
  }
  fs::rename(bucket / ".fstage-tmp-x", bucket / ".fstage-tmp-y");
  REQUIRE(sources.put_object("in", "a.txt", "hello"));  // a .fstage-tmp- file renamed
  wait(1);
  fs::rename(bucket / "a.txt", s.dir / "outside.txt");  // moved out: removed
  wait(2);
  fs::rename(s.dir / "outside.txt", bucket / "b.txt");  // moved in: created
  wait(3);
  sources.stop();
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(seen == std::vector<std::string>{"ObjectCreated:Put a.txt", "ObjectRemoved:Delete a.txt",
                                         "ObjectCreated:Put b.txt"});
}
