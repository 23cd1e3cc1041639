// SPDX-License-Identifier: Apache-2.0
// Helpers of the event sources' tests: a scratch project, a manifest of one function with the
// given triggers, and a fake function that records the stream batches it gets.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/serve/event_sources.hpp>

namespace fstage::test {

using namespace fstage::serve;
namespace fs = std::filesystem;

struct Scratch {
  fs::path dir;
  Scratch() {
    auto d = TempDir::create({}, "fstage-ev-test-");
    REQUIRE(d);
    dir = d->release();
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

inline manifest::Manifest manifest_of(const fs::path& root, const std::string& triggers) {
  std::string text =
      "name: ev\nfunctions:\n  f:\n    runtime: Python3.10\n    handler: "
      "index.handler\n    triggers:\n" +
      triggers;
  auto v = manifest::validate_text(text, "fstage.yaml");
  for (const auto& d : v.errors) {
    UNSCOPED_INFO(d.str());
  }
  REQUIRE(v.manifest);
  manifest::Manifest m = *v.manifest;
  m.root = root;
  return m;
}

// A function that records each batch's messages; `fail(n)` says whether call n fails.
struct FakeFunction {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::vector<std::string>> calls;  // every call's messages, failed ones too
  std::vector<bool> failed;
  std::function<bool(std::size_t)> fail = [](std::size_t) { return false; };
  std::size_t delivered = 0;

  StreamInvoke invoke() {
    return [this](const std::string&, std::string event, const std::string&,
                  std::function<void(sandbox::InvokeResult)> done) {
      auto j = parse_json(event, "event");
      REQUIRE(j);
      std::vector<std::string> messages;
      if (j->contains("Message")) {  // DIS: the sequence numbers
        for (const auto& r : (*j)["Message"]["records"]) {
          messages.push_back(r["sequence_number"].get<std::string>());
        }
      } else {
        for (const auto& m : (*j)["records"][0]["messages"]) {
          messages.push_back(m.get<std::string>());
        }
      }
      sandbox::InvokeResult r;
      {
        std::lock_guard<std::mutex> lock(mutex);
        const bool f = fail(calls.size());
        calls.push_back(messages);
        failed.push_back(f);
        r.status = f ? sandbox::InvokeStatus::function_error : sandbox::InvokeStatus::ok;
        if (!f) {
          delivered += messages.size();
        }
      }
      cv.notify_all();
      std::thread([done, r] { done(r); }).detach();
      return true;
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return delivered >= n; });
  }
};

// A function whose every batch waits until release(), then ends cancelled (its records stay
// queued): for the tests that need a batch in flight.
struct HeldFunction {
  std::mutex mutex;
  std::condition_variable cv;
  bool released = false;

  StreamInvoke invoke() {
    return [this](const std::string&, std::string, const std::string&,
                  std::function<void(sandbox::InvokeResult)> done) {
      std::thread([this, done] {
        std::unique_lock<std::mutex> l(mutex);
        cv.wait(l, [&] { return released; });
        l.unlock();
        sandbox::InvokeResult r;
        r.status = sandbox::InvokeStatus::cancelled;
        done(r);
      }).detach();
      return true;
    };
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      released = true;
    }
    cv.notify_all();
  }
};

}  // namespace fstage::test
