// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <deque>
#include <list>
#include <optional>
#include <span>
#include <string>

#include "http_wire.hpp"
#include "transport.hpp"

namespace fstage::sandbox::detail {

// The FunctionGraph custom-runtime API (PLATFORM.md §1.6), served by the supervisor on a
// listening socket that lives in the sandbox's network namespace:
//   GET  /v1/runtime/invocation/request          → the event (long poll), X-Cff-Request-Id
//   POST /v1/runtime/invocation/response/{id}    → the result
//   POST /v1/runtime/invocation/error/{id}       → an error body
//   POST /v1/runtime/init/error                  → initialisation failed (as AWS's API has)
// The first GET means the runtime finished its init: that is the instance's "ready".
class RuntimeApiTransport final : public Transport {
 public:
  explicit RuntimeApiTransport(int listen_fd);  // takes ownership
  ~RuntimeApiTransport() override;
  RuntimeApiTransport(const RuntimeApiTransport&) = delete;
  RuntimeApiTransport& operator=(const RuntimeApiTransport&) = delete;

  void send_invoke(const InvokeRequest& request, std::int64_t deadline_epoch_ms) override;
  // Given in the answer to fstage's POST /v1/runtime/init/start ({"status","request_id"}).
  void announce_init(const std::string& request_id) override { m_init_id = request_id; }
  void add_pollfds(std::vector<pollfd>& fds) const override;
  std::optional<Reply> on_poll(std::span<const pollfd> mine) override;
  std::optional<Reply> drain() override;

 private:
  struct Conn {
    int fd = -1;
    HttpParser parser;
    std::string out;
    bool waiting = false;  // a GET for the next invocation is parked here
    bool closed = false;
  };
  void accept_all();
  void serve(Conn& c);
  void handle(Conn& c, const HttpMessage& m);
  void deliver(Conn& c);
  static void flush(Conn& c);

  int m_listen = -1;
  std::list<Conn> m_conns;
  std::optional<InvokeRequest> m_pending;
  std::int64_t m_deadline = 0;
  bool m_delivered = false;
  bool m_ready = false;
  std::deque<Reply> m_replies;
  std::string m_init_id;  // announce_init's
};

}  // namespace fstage::sandbox::detail
