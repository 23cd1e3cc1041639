// SPDX-License-Identifier: Apache-2.0
// serve's kept requests (replay): the last N per function, a byte budget that drops the
// oldest first but never the newest, newest-first listing, lookup by id.
#include <string>

#include <catch2/catch.hpp>

#include <fstage/serve/requests.hpp>

using namespace fstage;
using namespace fstage::serve;

namespace {

sandbox::InvokeRequest request(const std::string& id, std::string event = "{}") {
  sandbox::InvokeRequest r;
  r.request_id = id;
  r.event = std::move(event);
  r.headers["X-CFF-Test"] = "1";
  return r;
}

}  // namespace

TEST_CASE("RequestHistory keeps the last N requests of each function", "[serve][replay]") {
  RequestHistory h(3);
  for (int i = 1; i <= 5; ++i) {
    h.record("a", request("a" + std::to_string(i)));
  }
  h.record("b", request("b1"));
  auto a = h.list("a");
  REQUIRE(a.size() == 3);
  CHECK(a[0]["request_id"] == "a5");  // newest first
  CHECK(a[2]["request_id"] == "a3");
  CHECK_FALSE(h.find("a2"));
  CHECK(h.list().size() == 4);
  CHECK(h.list("nope").empty());

  auto b = h.find("b1");
  REQUIRE(b);
  CHECK((*b)["function"] == "b");
  CHECK((*b)["event"] == "{}");
  CHECK((*b)["headers"]["X-CFF-Test"] == "1");
  CHECK(std::string((*b)["time"]).ends_with("Z"));
}

TEST_CASE("RequestHistory drops the oldest past its byte budget, never the newest",
          "[serve][replay]") {
  RequestHistory h(20, 1000);
  h.record("other", request("o1", std::string(300, 'x')));
  h.record("a", request("a1", std::string(300, 'x')));
  h.record("a", request("a2", std::string(300, 'x')));
  h.record("a", request("a3", std::string(300, 'x')));  // over 1000: a1 goes first
  CHECK_FALSE(h.find("a1"));
  CHECK(h.find("o1"));
  h.record("a", request("big", std::string(5000, 'x')));  // alone over the budget: kept
  CHECK(h.find("big"));
  CHECK_FALSE(h.find("a3"));
  CHECK_FALSE(h.find("o1"));
}
