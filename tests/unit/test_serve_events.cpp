// SPDX-License-Identifier: Apache-2.0
// serve's event bus: every subscriber sees events in publishing order, a full queue drops for
// that subscriber alone (and says so) without ever blocking the publisher, filters by function,
// a backlog is taken atomically with subscribing, close() ends the waits, and the recent
// invocations keep their lines.
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/serve/events.hpp>
#include <fstage/serve/log.hpp>

using namespace fstage;
using namespace fstage::serve;
using namespace std::chrono_literals;

namespace {

OrderedJson data_of(const BusEventPtr& e) {
  auto j = parse_ordered_json(e->json, "event");
  REQUIRE(j);
  return *j;
}

std::vector<BusEventPtr> drain(Subscription& s) {
  std::vector<BusEventPtr> all;
  while (true) {
    auto got = s.next(0ms);
    if (!got || got->empty()) {
      return all;
    }
    all.insert(all.end(), got->begin(), got->end());
  }
}

}  // namespace

TEST_CASE("EventBus delivers events in order to every subscriber", "[serve][events]") {
  EventBus bus;
  auto a = bus.subscribe("");
  auto b = bus.subscribe("");
  constexpr int k_threads = 4;
  constexpr int k_each = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&bus, t] {
      for (int i = 0; i < k_each; ++i) {
        OrderedJson j = OrderedJson::object();
        j["thread"] = t;
        j["i"] = i;
        bus.publish("access", "f", std::move(j));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  auto ea = drain(*a);
  auto eb = drain(*b);
  REQUIRE(ea.size() == k_threads * k_each);
  REQUIRE(eb.size() == ea.size());
  std::vector<int> last(k_threads, -1);
  for (std::size_t i = 0; i < ea.size(); ++i) {
    CHECK(ea[i]->seq == i + 1);         // one total order...
    CHECK(ea[i].get() == eb[i].get());  // ...the same for both, serialised once
    OrderedJson j = data_of(ea[i]);
    CHECK(j["type"] == "access");  // type and time come first
    CHECK(j.begin().key() == "type");
    const int t = j["thread"].get<int>();
    CHECK(j["i"].get<int>() == last[t] + 1);  // each publisher's events in its order
    last[t] = j["i"].get<int>();
  }
}

TEST_CASE("EventBus drops for a full subscriber alone, tells it, and never blocks",
          "[serve][events]") {
  EventBusOptions o;
  o.queue_limit = 10;
  EventBus bus(o);
  auto slow = bus.subscribe("");
  auto fast = bus.subscribe("");
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    bus.publish("log", "f", OrderedJson{{"n", i}});
    if (i % 5 == 4) {
      drain(*fast);  // keeps up
    }
  }
  // 1000 events into a queue of 10 nobody reads: publishing did not wait for it.
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(drain(*fast).empty());
  CHECK(fast->dropped_total() == 0);

  auto got = slow->next(0ms);
  REQUIRE(got);
  REQUIRE(got->size() == 11);  // the notice, then the 10 that fitted
  OrderedJson notice = data_of((*got)[0]);
  CHECK((*got)[0]->type == "dropped");
  CHECK(notice["count"] == 990);
  CHECK(data_of((*got)[1])["n"] == 0);
  CHECK(data_of((*got)[10])["n"] == 9);
  CHECK(slow->dropped_total() == 990);
  // After the notice the queue takes events again, with no second notice.
  bus.publish("log", "f", OrderedJson{{"n", 1000}});
  got = slow->next(0ms);
  REQUIRE(got);
  REQUIRE(got->size() == 1);
  CHECK(data_of((*got)[0])["n"] == 1000);
}

TEST_CASE("EventBus filters by function, events about no function reach everyone",
          "[serve][events]") {
  EventBus bus;
  auto only_a = bus.subscribe("a");
  bus.publish("log", "a", OrderedJson{{"message", "1"}});
  bus.publish("log", "b", OrderedJson{{"message", "2"}});
  bus.publish("gateway", "", OrderedJson{{"message", "3"}});
  auto got = drain(*only_a);
  REQUIRE(got.size() == 2);
  CHECK(data_of(got[0])["message"] == "1");
  CHECK(data_of(got[1])["message"] == "3");
}

TEST_CASE("EventBus backlog: recent lines first, none missed or doubled", "[serve][events]") {
  EventBus bus;
  for (int i = 0; i < 5; ++i) {
    bus.publish("log", i % 2 == 0 ? "a" : "b", OrderedJson{{"n", i}});
  }
  auto s = bus.subscribe("a", 2);
  bus.publish("log", "a", OrderedJson{{"n", 5}});
  auto got = drain(*s);
  REQUIRE(got.size() == 3);
  CHECK(data_of(got[0])["n"] == 2);
  CHECK(data_of(got[1])["n"] == 4);
  CHECK(data_of(got[2])["n"] == 5);
  auto recent = bus.recent_lines("", 3);
  REQUIRE(recent.size() == 3);
  CHECK(data_of(recent[0])["n"] == 3);
  CHECK(data_of(recent[2])["n"] == 5);
}

TEST_CASE("EventBus close ends a waiting subscriber and refuses new ones", "[serve][events]") {
  EventBus bus;
  auto s = bus.subscribe("");
  bus.publish("log", "f", OrderedJson{{"n", 1}});
  std::thread closer([&bus] {
    std::this_thread::sleep_for(50ms);
    bus.close();
  });
  auto first = s->next(5s);
  REQUIRE(first);
  CHECK(first->size() == 1);
  auto t0 = std::chrono::steady_clock::now();
  auto after = s->next(5s);  // woken by close(), not by the timeout
  CHECK_FALSE(after);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  closer.join();
  CHECK(bus.subscribe("") == nullptr);
  CHECK(bus.subscribers() == 0);
}

TEST_CASE("EventBus forgets a subscription dropped by its reader", "[serve][events]") {
  EventBus bus;
  {
    auto s = bus.subscribe("");
    CHECK(bus.subscribers() == 1);
  }
  CHECK(bus.subscribers() == 0);
  bus.publish("log", "f", OrderedJson::object());  // nothing to deliver to
}

TEST_CASE("Logger publishes lines and invocations, the ring keeps them", "[serve][events]") {
  std::ostringstream out;
  Logger log(out, false, true);
  EventBusOptions o;
  o.recent_invocations = 2;
  o.max_lines = 2;
  EventBus bus(o);
  log.attach(&bus);
  auto s = bus.subscribe("");
  log.invocation_started("f", "r1");
  log.function_line("f", "r1", "2024-01-02T03:04:05.678Z r1 WARN careful now");
  log.function_line("f", "r1", "plain print");
  log.function_line("f", "r1", "a third line");
  log.invocation_finished("f", "r1", "ok", 12.5, 100.25, true);
  log.invocation_started("g", "r2");
  log.invocation_started("g", "r3");  // pushes r1 out of a ring of 2
  auto got = drain(*s);
  REQUIRE(got.size() == 7);
  CHECK(got[0]->type == "invocation_started");
  OrderedJson line = data_of(got[1]);
  CHECK(line["level"] == "warn");
  CHECK(line["message"] == "careful now");
  CHECK(line["request_id"] == "r1");
  CHECK(data_of(got[2])["level"] == "info");
  CHECK(data_of(got[2])["message"] == "plain print");
  OrderedJson fin = data_of(got[4]);
  CHECK(fin["status"] == "ok");
  CHECK(fin["init_duration_ms"] == 100.25);

  auto recent = bus.recent_invocations("", 10);
  REQUIRE(recent.size() == 2);
  CHECK(recent[0].request_id == "r3");
  CHECK(recent[1].request_id == "r2");
  CHECK(recent[1].status == "running");
  CHECK(out.str().empty());  // quiet text log: invocations are the bus's alone
  // Found by its id after another left the ring; one that left is not brought back.
  log.invocation_finished("g", "r2", "ok", 1, 0, false);
  log.invocation_finished("f", "r1", "ok", 1, 0, false);
  recent = bus.recent_invocations("", 10);
  REQUIRE(recent.size() == 2);
  CHECK(recent[1].request_id == "r2");
  CHECK(recent[1].status == "ok");
  CHECK(recent[0].request_id == "r3");

  EventBus bus2(o);
  log.attach(&bus2);
  log.invocation_started("f", "r9");
  for (int i = 0; i < 4; ++i) {
    log.function_line("f", "r9", "line " + std::to_string(i));
  }
  log.invocation_finished("f", "r9", "function error", 3, 0, false);
  auto r9 = bus2.recent_invocations("f", 1);
  REQUIRE(r9.size() == 1);
  CHECK(r9[0].lines.size() == 2);
  CHECK(r9[0].lines_dropped == 2);
  CHECK(r9[0].status == "function error");
  OrderedJson j = to_json(r9[0]);
  CHECK(j["lines"][1]["message"] == "line 1");
}

TEST_CASE("classify_line reads the runtimes' logger lines", "[serve][events]") {
  CHECK(classify_line("2024-01-02T03:04:05.678Z id ERROR boom", "id").level == "error");
  CHECK(classify_line("2024-01-02T03:04:05.678Z id ERROR boom", "id").message == "boom");
  CHECK(classify_line("2024-01-02T03:04:05.678Z id WARNING w", "id").level == "warn");
  CHECK(classify_line("2024-01-02T03:04:05.678Z other ERROR x", "id").level == "info");
  CHECK(classify_line("ERROR not a logger line", "id").level == "info");
  CHECK(classify_line("", "id").message.empty());
}

TEST_CASE("sse_frame writes one whole event", "[serve][events]") {
  BusEvent e;
  e.seq = 7;
  e.type = "log";
  e.json = R"({"message":"a\nb"})";
  CHECK(sse_frame(e) == "id: 7\nevent: log\ndata: {\"message\":\"a\\nb\"}\n\n");
}

TEST_CASE("EventBus with nobody listening: invocations still recorded, nothing else made",
          "[serve][events]") {
  std::ostringstream out;
  Logger log(out, false, true);
  EventBus bus;
  log.attach(&bus);
  CHECK(bus.unheard());
  log.invocation_started("f", "r1");
  log.function_line("f", "r1", "a line");
  log.invocation_finished("f", "r1", "ok", 3.5, 0, false);
  AccessRecord a;
  a.method = "POST";
  a.path = "/f";
  a.status = 200;
  a.function = "f";
  a.request_id = "r1";
  log.access(a);
  auto recent = bus.recent_invocations("", 10);
  REQUIRE(recent.size() == 1);
  CHECK(recent[0].status == "ok");
  CHECK(recent[0].duration_ms == 3.5);
  REQUIRE(recent[0].lines.size() == 1);
  // Log lines are kept for a later subscriber's backlog; access events are not.
  auto later = bus.subscribe("", 10);
  CHECK_FALSE(bus.unheard());
  auto got = drain(*later);
  REQUIRE(got.size() == 1);
  CHECK(got[0]->type == "log");
  // And once heard, an access event reaches the subscriber.
  log.access(a);
  got = drain(*later);
  REQUIRE(got.size() == 1);
  CHECK(got[0]->type == "access");
}

TEST_CASE("EventBus::wait_for_subscriber wakes on a subscription and on close", "[serve][events]") {
  EventBus bus;
  CHECK_FALSE(bus.wait_for_subscriber(10ms));  // nobody: the timeout
  std::shared_ptr<Subscription> s;
  std::thread subscriber([&] {
    std::this_thread::sleep_for(50ms);
    s = bus.subscribe("");
  });
  auto t0 = std::chrono::steady_clock::now();
  CHECK(bus.wait_for_subscriber(5s));  // woken by subscribe(), not by the timeout
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  subscriber.join();
  s.reset();
  CHECK_FALSE(bus.wait_for_subscriber(0ms));  // a dropped subscription no longer counts
  std::thread closer([&bus] {
    std::this_thread::sleep_for(50ms);
    bus.close();
  });
  t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(bus.wait_for_subscriber(5s));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  closer.join();
}
