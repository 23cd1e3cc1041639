// SPDX-License-Identifier: Apache-2.0
// The sample events fstage ships must have the real payloads' shape: the same keys and the
// same JSON types, recursively, as the platform's payloads in tests/fixtures/platform-events/.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/scaffolds/templates.hpp>

#include "event_shape_compare.hpp"

using namespace fstage;

TEST_CASE("event samples: every trigger of the issue has one", "[event]") {
  auto names = scaffolds::event_names();
  for (const char* n : {"apig", "apig-base64", "smn", "obs", "dis", "timer", "kafka",
                        "kafka-opensource", "rocketmq", "lts", "cts", "dds", "gaussmongo"}) {
    INFO(n);
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  }
}

TEST_CASE("event samples match the platform's payloads key for key and type for type", "[event]") {
  const std::pair<const char*, const char*> pairs[] = {
      {"apig", "apig.json"},
      {"apig-base64", "apig_base64.json"},
      {"smn", "smn.json"},
      {"obs", "obs.json"},
      {"dis", "dis.json"},
      {"timer", "timer.json"},
      {"kafka", "kafka.json"},
      {"kafka-opensource", "kafka_opensource.json"},
      {"rocketmq", "rocketmq.json"},
      {"lts", "lts.json"},
      {"cts", "cts.json"},
      {"dds", "dds.json"},
      {"gaussmongo", "gaussmongo.json"},
  };
  std::filesystem::path shared = std::filesystem::path(FSTAGE_PLATFORM_EVENTS);
  for (const auto& [name, file] : pairs) {
    INFO(name << " vs " << file);
    auto ours = scaffolds::sample_event(name);
    REQUIRE(ours);
    auto theirs = read_file(shared / file);
    REQUIRE(theirs);
    auto a = parse_json(*ours, name);
    auto b = parse_json(*theirs, file);
    REQUIRE(a);
    REQUIRE(b);
    std::string diff;
    test::compare_shape(*a, *b, name, diff);
    CHECK(diff == "");
  }
}
