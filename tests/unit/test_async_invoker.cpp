// SPDX-License-Identifier: Apache-2.0
// The AsyncInvoker with a fake pool (a thread per invocation) and fake destinations: retries
// and their count, the maximum event age, a full queue refused, the journal that survives a
// restart, the destinations, and the notification's shape against the platform's.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/serve/async_invoke.hpp>

#include "event_shape_compare.hpp"

using namespace fstage;
using namespace fstage::serve;
namespace fs = std::filesystem;
namespace sb = fstage::sandbox;

namespace {

struct Fixture {
  std::ostringstream out;
  Logger log{out, false, false};
  TempDir dir = std::move(*TempDir::create("", "fstage-async-test-"));
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> objects;  // key, bytes
  std::vector<std::thread> threads;

  ~Fixture() { join(); }
  // The fake pool's threads end before the invoker they report to is destroyed.
  void join() {
    std::vector<std::thread> all;
    {
      std::lock_guard<std::mutex> lock(mutex);
      all.swap(threads);
    }
    for (auto& t : all) {
      t.join();
    }
  }
  // A pool whose every invocation of `fails` fails with a function error, others succeed.
  AsyncInvoker::Runner runner(const std::string& fails) {
    return [this, fails](const std::string& fn, sb::InvokeRequest r,
                         std::function<void(sb::InvokeResult)> done) {
      ++calls;
      std::lock_guard<std::mutex> lock(mutex);
      threads.emplace_back([fn, fails, r, done] {
        sb::InvokeResult res;
        res.request_id = r.request_id;
        if (fn == fails) {
          res.status = sb::InvokeStatus::function_error;
          res.error = sb::error_body("ValueError", "asked to fail");
        } else {
          res.status = sb::InvokeStatus::ok;
          res.result = "\"done\"";
        }
        done(res);
      });
      return true;
    };
  }
  DestinationSink sink() {
    DestinationSink s;
    s.put_object = [this](const std::string& bucket, const std::string& key,
                          const std::string& bytes) -> Expected<void> {
      std::lock_guard<std::mutex> lock(mutex);
      objects.emplace_back(bucket + "/" + key, bytes);
      return {};
    };
    return s;
  }
  AsyncOptions options() {
    AsyncOptions o;
    o.root = dir.path();
    o.retry_base = std::chrono::milliseconds(10);
    o.queue = 8;
    return o;
  }
};

manifest::Function fn(const std::string& name, std::optional<manifest::AsyncInvokeConfig> c = {}) {
  manifest::Function f;
  f.name = name;
  f.async_invoke = std::move(c);
  return f;
}

bool wait_for(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

std::size_t journaled(const fs::path& root) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(root / ".fstage/pending/async", ec), end; !ec && it != end;
       it.increment(ec)) {
    n += it->path().extension() == ".json" ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("async decisions: retries while attempts and age allow, doubling waits", "[async]") {
  CHECK(async_should_retry(1, 1, 0, 3600));
  CHECK_FALSE(async_should_retry(2, 1, 0, 3600));  // 1 + 1 retry made
  CHECK_FALSE(async_should_retry(1, 0, 0, 3600));  // no retries
  CHECK(async_should_retry(3, 3, 5000, 3600));
  CHECK_FALSE(async_should_retry(1, 3, 10000, 10));  // too old to run again
  using ms = std::chrono::milliseconds;
  CHECK(async_backoff(1, ms(1000)) == ms(1000));
  CHECK(async_backoff(2, ms(1000)) == ms(2000));
  CHECK(async_backoff(3, ms(1000)) == ms(4000));
  CHECK(async_backoff(30, ms(1000)) == std::chrono::minutes(5));
}

TEST_CASE("async notification: the platform's shape, key for key and type for type", "[async]") {
  AsyncOutcome o;
  o.request_id = "r";
  o.function_urn = "urn:fss:cn-north-4:local:function:default:f:latest";
  o.condition = "UnhandledInvocationError";
  o.invoke_count = 2;
  o.request_payload = R"({"k":"v"})";
  o.status_code = 500;
  o.response_payload = "{}";
  o.timestamp = "2026-12-05T00:00:00.000Z";
  auto ours = parse_json(async_notification(o).dump(), "ours");
  auto theirs = read_file(fs::path(FSTAGE_PLATFORM_EVENTS) / "async_invocation_notification.json");
  REQUIRE(theirs);
  auto platform = parse_json(*theirs, "async_invocation_notification.json");
  REQUIRE(ours);
  REQUIRE(platform);
  std::string diff;
  fstage::test::compare_shape(*ours, *platform, "notification", diff);
  CHECK(diff == "");
}

TEST_CASE("async: a failing event is retried, then goes to on_failure", "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig cfg;
  cfg.max_async_retry_attempts = 2;
  cfg.on_failure = manifest::AsyncDestination{"OBS", {{"bucket", "dead"}, {"prefix", "f/"}}, {}};
  AsyncInvoker inv(fx.options(), fx.runner("bad"), fx.sink(), fx.log);
  inv.set_functions({fn("bad", cfg)});
  auto id = inv.invoke("bad", R"({"n":1})", "test");
  REQUIRE(id);
  REQUIRE(wait_for([&] {
    std::lock_guard<std::mutex> lock(fx.mutex);
    return !fx.objects.empty();
  }));
  REQUIRE(wait_for([&] {
    auto r = inv.records("bad");
    return !r.empty() && r.front().status == "FAIL";
  }));
  fx.join();
  CHECK(fx.calls == 3);  // 1 + max_async_retry_attempts
  CHECK(fx.objects[0].first == "dead/f/" + *id + ".json");
  auto note = parse_json(fx.objects[0].second, "note");
  REQUIRE(note);
  CHECK((*note)["request_context"]["condition"] == "UnhandledInvocationError");
  CHECK((*note)["request_context"]["approximate_invoke_count"] == 3);
  CHECK((*note)["request_payload"] == R"({"n":1})");
  CHECK((*note)["response_context"]["function_error"] == "ValueError");
  CHECK(journaled(fx.dir.path()) == 0);
}

TEST_CASE("async: success goes to on_success through another function", "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig cfg;
  cfg.on_success = manifest::AsyncDestination{"FunctionGraph", {{"func_urn", "sink"}}, {}};
  AsyncInvoker inv(fx.options(), fx.runner(""), fx.sink(), fx.log);
  inv.set_functions({fn("good", cfg), fn("sink")});
  REQUIRE(inv.invoke("good", "{}", "test"));
  REQUIRE(wait_for([&] {
    auto r = inv.records("sink");
    return !r.empty() && r.front().status == "SUCCESS";
  }));
  fx.join();
  CHECK(fx.calls == 2);
}

TEST_CASE("async: no failure destination, the event is discarded and said so", "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig cfg;
  cfg.max_async_retry_attempts = 0;
  AsyncInvoker inv(fx.options(), fx.runner("bad"), fx.sink(), fx.log);
  inv.set_functions({fn("bad", cfg)});
  REQUIRE(inv.invoke("bad", "{}", "test"));
  REQUIRE(wait_for([&] {
    auto r = inv.records("bad");
    return !r.empty() && r.front().status == "FAIL";
  }));
  fx.join();
  CHECK(fx.calls == 1);
  CHECK(fx.out.str().find("discarded after 1 attempt(s)") != std::string::npos);
}

TEST_CASE("async: an event older than the maximum age is not run again", "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig cfg;
  cfg.max_async_retry_attempts = 3;
  cfg.max_async_event_age_in_seconds = 1;
  cfg.on_failure = manifest::AsyncDestination{"OBS", {{"bucket", "dead"}}, {}};
  AsyncOptions o = fx.options();
  o.retry_base = std::chrono::milliseconds(700);  // 700, 1400: the third attempt is too late
  AsyncInvoker inv(o, fx.runner("bad"), fx.sink(), fx.log);
  inv.set_functions({fn("bad", cfg)});
  REQUIRE(inv.invoke("bad", "{}", "test"));
  REQUIRE(wait_for([&] {
    std::lock_guard<std::mutex> lock(fx.mutex);
    return !fx.objects.empty();
  }));
  REQUIRE(wait_for([&] {
    auto r = inv.records("bad");
    return !r.empty() && r.front().status == "DISCARD";
  }));
  fx.join();
  CHECK(fx.calls == 2);
  auto note = parse_json(fx.objects[0].second, "note");
  CHECK((*note)["request_context"]["condition"] == "EventAgeExceeded");
  CHECK((*note)["request_context"]["approximate_invoke_count"] == 2);
}

TEST_CASE("async: a full queue refuses with ErrorCode::limit, the journal survives", "[async]") {
  Fixture fx;
  AsyncOptions o = fx.options();
  o.queue = 3;
  {
    // A pool that never takes anything: every event stays queued.
    AsyncInvoker inv(
        o,
        [](const std::string&, sb::InvokeRequest, std::function<void(sb::InvokeResult)>) {
          return false;
        },
        fx.sink(), fx.log);
    inv.set_functions({fn("f")});
    for (int i = 0; i < 3; ++i) {
      REQUIRE(inv.invoke("f", "{}", "test"));
    }
    auto full = inv.invoke("f", "{}", "test");
    REQUIRE_FALSE(full);
    CHECK(full.error().code == ErrorCode::limit);
    CHECK(inv.invoke("nope", "{}", "test").error().code == ErrorCode::not_found);
    inv.drain();
    inv.stop();
  }
  CHECK(journaled(fx.dir.path()) == 3);
  // The next start delivers them.
  AsyncInvoker again(fx.options(), fx.runner(""), fx.sink(), fx.log);
  again.set_functions({fn("f")});
  CHECK(again.recover() == 3);
  REQUIRE(wait_for([&] {
    auto r = again.records("f");
    return r.size() == 3 && std::all_of(r.begin(), r.end(),
                                        [](const AsyncRecord& x) { return x.status == "SUCCESS"; });
  }));
  fx.join();
  CHECK(journaled(fx.dir.path()) == 0);
  CHECK(fx.calls == 3);
}

TEST_CASE("async: an SMN destination not wired keeps the notification and says so", "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig cfg;
  cfg.on_success =
      manifest::AsyncDestination{"SMN", {{"topic_urn", "urn:smn:cn-north-4:p:done"}}, {}};
  AsyncInvoker inv(fx.options(), fx.runner(""), DestinationSink{}, fx.log);
  inv.set_functions({fn("f", cfg)});
  auto id = inv.invoke("f", "{}", "test");
  REQUIRE(id);
  REQUIRE(wait_for([&] {
    auto r = inv.records("f");
    return !r.empty() && r.front().status == "SUCCESS";
  }));
  fx.join();
  const fs::path kept = fx.dir.path() / ".fstage/pending/async/undelivered" / (*id + ".json");
  CHECK(fs::exists(kept));
  CHECK(fx.out.str().find("not wired") != std::string::npos);
  CHECK(journaled(fx.dir.path()) == 0);
}

TEST_CASE("async: a queued event can be cancelled, its journal goes", "[async]") {
  Fixture fx;
  AsyncInvoker inv(
      fx.options(),
      [](const std::string&, sb::InvokeRequest, std::function<void(sb::InvokeResult)>) {
        return false;
      },
      fx.sink(), fx.log);
  inv.set_functions({fn("f")});
  auto id = inv.invoke("f", "{}", "test");
  REQUIRE(id);
  CHECK(journaled(fx.dir.path()) == 1);
  CHECK_FALSE(inv.cancel("f", "no-such-id"));
  CHECK(inv.cancel("f", *id));
  CHECK(journaled(fx.dir.path()) == 0);
  CHECK(inv.records("f").front().status == "DISCARD");
}

TEST_CASE("async: a local OBS object is written whole, inside its bucket", "[async]") {
  Fixture fx;
  REQUIRE(write_bucket_object(fx.dir.path(), "out", "a/b/c.json", "{}"));
  const fs::path dir = fx.dir.path() / ".fstage/buckets/out/a/b";
  auto text = read_file(dir / "c.json");
  REQUIRE(text);
  CHECK(*text == "{}");
  for (const auto& e : fs::directory_iterator(dir)) {
    CHECK(e.path().filename() == "c.json");  // no .fstage-tmp-* left
  }
  CHECK(write_bucket_object(fx.dir.path(), "out", "../escape", "x").error().code ==
        ErrorCode::unsafe);
  CHECK(write_bucket_object(fx.dir.path(), "o/t", "k", "x").error().code == ErrorCode::unsafe);
}

TEST_CASE("async: a configuration put through the API lasts until the manifest reloads",
          "[async]") {
  Fixture fx;
  manifest::AsyncInvokeConfig from_manifest;
  from_manifest.max_async_retry_attempts = 2;
  AsyncInvoker inv(fx.options(), fx.runner(""), fx.sink(), fx.log);
  inv.set_functions({fn("f", from_manifest), fn("g")});
  CHECK(inv.config("f")->max_async_retry_attempts == 2);
  CHECK_FALSE(inv.config("g"));
  manifest::AsyncInvokeConfig put;
  put.max_async_retry_attempts = 0;
  inv.put_config("f", put);
  inv.put_config("g", put);
  CHECK(inv.config("f")->max_async_retry_attempts == 0);
  CHECK_FALSE(inv.config_times("g").second.empty());
  CHECK(inv.delete_config("g"));
  CHECK_FALSE(inv.config("g"));
  inv.set_functions({fn("f", from_manifest), fn("g")});  // the reload
  CHECK(inv.config("f")->max_async_retry_attempts == 2);
}
