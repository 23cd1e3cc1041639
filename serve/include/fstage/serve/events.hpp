// SPDX-License-Identifier: Apache-2.0
// serve's event bus: what the gateway does (access records, each line a function prints,
// invocations started and finished, flow executions moving), published once and delivered to
// whoever listens (the console's server-sent events, `fstage logs --follow`), plus the recent
// invocations with their log lines for the console's first view.
//
// Publishing never waits for a subscriber: each subscription has a bounded queue, and an event
// that finds it full is dropped for that subscriber alone, which is told how many it missed
// (a "dropped" event) before its next ones. Events carry their data as JSON text, serialised
// once for every subscriber.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fstage/base/json.hpp>

namespace fstage::serve {

struct BusEvent {
  std::uint64_t seq = 0;  // 1, 2, ... in publishing order
  std::string type;       // access, log, invocation_started, invocation_finished,
                          // flow_started, flow_state, flow_finished, gateway, dropped
  std::string function;   // the function it is about, "" when none (a filter matches it)
  std::string json;       // the data: one JSON object, with "type" and "time" among its fields
};
using BusEventPtr = std::shared_ptr<const BusEvent>;

// One listener's queue. next() is for one thread at a time. The bus holds it weakly: dropping
// the last reference unsubscribes.
class Subscription {
 public:
  Subscription(std::string function, std::size_t limit)
      : m_function(std::move(function)), m_limit(limit) {}
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The events queued, in order, waiting up to `wait` for the first one; empty when none came
  // in time. Events dropped since the last call come first as one "dropped" event
  // ({"type":"dropped","count":N}). nullopt once the subscription is closed (the bus closed:
  // serve is stopping) and everything queued was taken.
  std::optional<std::vector<BusEventPtr>> next(std::chrono::milliseconds wait);
  // Ends the subscription: a next() waiting returns at once.
  void close();
  std::uint64_t dropped_total() const;

 private:
  friend class EventBus;
  // Queue `e`, or count it dropped when the queue is full; never waits.
  void offer(const BusEventPtr& e);

  std::string m_function;  // "" = every event
  std::size_t m_limit;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<BusEventPtr> m_queue;
  std::uint64_t m_dropped = 0;  // since the last next()
  std::uint64_t m_dropped_total = 0;
  bool m_closed = false;
};

// An invocation as the console lists it: who, when, how it ended, and what it printed.
struct InvocationRecord {
  std::string function;
  std::string request_id;
  std::string started;     // ISO-8601 UTC
  std::string status;      // running, ok, function_error, timeout, oom, crash, ...
  double duration_ms = 0;  // 0 while running
  double init_duration_ms = 0;
  std::vector<OrderedJson> lines;  // {"time","level","message"}, at most k_max_lines
  std::size_t lines_dropped = 0;   // beyond k_max_lines
};

struct EventBusOptions {
  std::size_t queue_limit = 2048;        // events a subscriber may have waiting
  std::size_t recent_invocations = 200;  // kept for the console's first view
  std::size_t max_lines = 500;           // per recent invocation
  std::size_t recent_lines = 1000;       // log events kept for a subscriber's backlog
};

class EventBus {
 public:
  explicit EventBus(EventBusOptions options = {}) : m_options(options) {}
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Publishes one event: `data` is an object; "type" and "time" (ISO-8601 UTC, now) are added
  // first when it lacks them. log, invocation_started and invocation_finished events (with
  // "request_id") also update the recent invocations.
  void publish(const std::string& type, const std::string& function, OrderedJson data);

  // A new subscription to the events of `function` ("" = all; an event about no function
  // reaches every subscription). Its queue starts with up to `backlog` of the most recent log
  // events that match, taken atomically with the subscribing: none is missed or doubled.
  // nullptr once the bus is closed.
  std::shared_ptr<Subscription> subscribe(const std::string& function, std::size_t backlog = 0);
  std::size_t subscribers() const;
  // Waits up to `timeout` for a subscription to exist; true when one does, false on the
  // timeout or once the bus is closed. For a watcher that should hold no subscription of its
  // own (and so be woken by no event) while nobody listens.
  bool wait_for_subscriber(std::chrono::milliseconds timeout) const;
  // No subscription now (one that has just gone may still count): an event that would only be
  // told, not kept (not a log line, not about an invocation), need not even be made.
  bool unheard() const;
  // An invocation's start (status "") or end noted in the recent invocations as publish()
  // would, but only while nobody listens, so that no event need be made (two per request);
  // false when someone does: publish the event instead.
  bool note_unheard(const std::string& type, const std::string& function,
                    std::string_view request_id, std::string_view status = {},
                    double duration_ms = 0, double init_duration_ms = 0);

  // Closes every subscription, and refuses new ones: serve is stopping.
  void close();

  // The recent invocations, newest first, of `function` ("" = all), at most `limit`.
  std::vector<InvocationRecord> recent_invocations(const std::string& function,
                                                   std::size_t limit) const;
  // The most recent log events of `function` ("" = all), oldest first, at most `limit`.
  std::vector<BusEventPtr> recent_lines(const std::string& function, std::size_t limit) const;

 private:
  void remember_locked(const std::string& type, const std::string& function,
                       const OrderedJson& data);
  // The recent invocation `id`, added (started at `time`, or now) unless `finishing` and out
  // of the ring already (then null).
  InvocationRecord* record_locked(bool finishing, const std::string& function, std::string_view id,
                                  const std::string* time);

  EventBusOptions m_options;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_subscribed;  // subscribe() and close()
  std::uint64_t m_seq = 0;
  bool m_closed = false;
  std::vector<std::weak_ptr<Subscription>> m_subscribers;
  std::deque<InvocationRecord> m_invocations;  // oldest first
  // The newest record of each request id in m_invocations (a deque's push_back and pop_front
  // leave its other elements where they are): every request starts one, and a scan of the
  // ring for an id that is not there cost 200 comparisons under the lock.
  // Looked up by string_view, so that a lookup does not build a std::string (a request id is
  // past the small-string buffer).
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, InvocationRecord*, IdHash, std::equal_to<>> m_by_id;
  std::deque<BusEventPtr> m_lines;  // oldest first
};

// The invocation as JSON: {function, request_id, started, status, duration_ms,
// init_duration_ms, lines: [...], lines_dropped}.
OrderedJson to_json(const InvocationRecord& r);

// A whole event in the server-sent events format: "id: SEQ\nevent: TYPE\ndata: JSON\n\n".
std::string sse_frame(const BusEvent& e);

}  // namespace fstage::serve
