// SPDX-License-Identifier: Apache-2.0
// fstage-httpd.so's server, connection and reply (httpd.cpp has the design): httpd.cpp accepts,
// answers and streams; connection.cpp reads, parses and writes a connection.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fstage/serve/http_server.hpp>

#include "handoff.hpp"
#include "wire.hpp"
#include <event2/event.h>
#include <sys/socket.h>

namespace fstage::serve::httpd {

constexpr std::size_t k_inline_body = 64 * 1024;   // larger bodies are queued, not copied
constexpr std::size_t k_read_ahead = 1024 * 1024;  // pipelined bytes held before reading stops
constexpr std::size_t k_stream_backlog = 8 << 20;  // a stream's client this far behind is gone
constexpr int k_reads_per_wake = 16;               // 1 MB of a large body per wake-up

class Server;
struct Conn;

// One request being answered. The server keeps it until the answer is written; the handler
// that answers keeps it through HttpReply.
class Reply final : public HttpReply, public std::enable_shared_from_this<Reply> {
 public:
  Reply(std::shared_ptr<Mailbox> mailbox, Server* server, const std::shared_ptr<Conn>& conn,
        const WireRequest& w)
      : head(w.head),
        http10(w.http10),
        keep_alive(w.keep_alive),
        m_mailbox(std::move(mailbox)),
        m_server(server),
        m_conn(conn) {}
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() override = default;

  bool send(HttpResponseData response) override;
  void deadline(std::chrono::milliseconds after, std::function<void()> late) override;

  // The loop's side.
  std::shared_ptr<Conn> conn() const { return m_conn.lock(); }
  void cancel_deadline();
  static void on_deadline(evutil_socket_t, short, void* arg);

  const bool head;
  const bool http10;
  const bool keep_alive;
  std::atomic<bool> gone{false};  // the client went away (a stream's worker reads it)
  bool streaming = false;         // the loop's: the stream's end is still to come

 private:
  std::shared_ptr<Mailbox> m_mailbox;
  Server* m_server;
  std::weak_ptr<Conn> m_conn;
  std::atomic<bool> m_sent{false};
  event* m_timer = nullptr;  // the loop's
  std::chrono::steady_clock::time_point m_due;
  std::function<void()> m_late;
};

// One client connection, the loop's alone.
struct Conn : std::enable_shared_from_this<Conn> {
  Conn(Server* owner, int socket, std::size_t max_body)
      : server(owner), fd(socket), reader(max_body) {}
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Server* server;
  int fd;
  std::string peer;
  event* readable = nullptr;  // persistent while reading
  event* writable = nullptr;  // added only while `out` waits for room in the socket
  event* timer = nullptr;     // idle, a request read too slowly, or an answer not taken
  RequestReader reader;
  std::string in;               // read and not yet parsed: a pipelined request
  std::deque<std::string> out;  // to write, in order
  std::size_t out_off = 0;      // of out.front(), written
  std::size_t out_bytes = 0;
  std::shared_ptr<Reply> current;  // the request being answered
  bool answer_done = false;        // current's answer is all in `out`
  bool close_after = false;        // once `out` is written
  bool reading = false;
  bool read_closed = false;  // the client shut its side (its last request is still answered)
  bool processing = false;   // in Server::process(): an answer written meanwhile does not recurse
  bool dead = false;
};

// A LoopWatch (http_server.hpp): an event per descriptor, persistent, so that setting the same
// ones again asks nothing of the kernel; each notes what it found and activates `m_fire`, which
// runs `ready` once a turn with all of it, however many of them were ready.
class Watch final : public fstage::serve::LoopWatch, public std::enable_shared_from_this<Watch> {
 public:
  Watch(Server* server, Ready ready) : m_server(server), m_ready(std::move(ready)) {}
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  ~Watch() override;
  bool init();
  void set(const std::vector<pollfd>& fds, std::chrono::steady_clock::time_point wake_at) override;
  void clear() override;

 private:
  struct Entry {
    int fd;
    short what;
    event* ev;
  };
  static void on_fd(evutil_socket_t fd, short what, void* arg);
  static void on_time(evutil_socket_t, short, void* arg);
  static void on_fire(evutil_socket_t, short, void* arg);

  Server* m_server;
  Ready m_ready;
  std::vector<Entry> m_entries;
  std::vector<pollfd> m_fired;   // found ready this turn
  std::vector<pollfd> m_handed;  // what `ready` is given (kept: no allocation a turn)
  event* m_fire = nullptr;
  event* m_timer = nullptr;
  std::chrono::steady_clock::time_point m_due;  // of m_timer, when set
  bool m_set = false;
};

class Server final : public fstage::serve::HttpServer {
 public:
  Server(const HttpServerOptions& o, HttpHandler handler, HttpAsyncHandler async)
      : m_options(o),
        m_handler(std::move(handler)),
        m_async(std::move(async)),
        m_workers(static_cast<std::size_t>(o.threads)) {}
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  bool init();
  ~Server() override;
  int bind(const std::string& host, int port) override;
  void listen() override;
  void stop() override;
  bool on_loop() const override { return m_mailbox->on_loop(); }
  bool post(std::function<void()> fn) override { return m_mailbox->post(std::move(fn)); }
  std::shared_ptr<fstage::serve::LoopWatch> watch(fstage::serve::LoopWatch::Ready ready) override;
  // A watch was set, or cleared (watch.cpp): listen() waits for the set ones.
  void watch_set(bool on);
  // The loop: writes `response` as the answer to `reply`'s request.
  void deliver(Reply& reply, HttpResponseData response);
  void after_loop_ms(event* ev, std::chrono::milliseconds after);
  // Adds the one-shot `ev` to fire at `due`, and says whether `due` has come. libevent times its
  // timers by a cached, coarse clock that may run a few milliseconds behind steady_clock, so a
  // timer may fire early: its callback asks `due_at(ev, due)` and, while false, is re-armed for
  // the rest. A watch's wake and a reply's deadline go through it, so neither runs before its
  // time; the idle timeout and the accept back-off, where a tick early is harmless, do not.
  static bool due_at(event* ev, std::chrono::steady_clock::time_point due);
  // The loop: `reply`'s answer is written, or its connection gone.
  void finish(Reply& reply);

  event_base* base() const { return m_base; }

 private:
  static void on_wake(evutil_socket_t, short, void* arg);
  static void on_accept(evutil_socket_t fd, short, void* arg);
  static void on_accept_pause(evutil_socket_t, short, void* arg);
  void open_conn(int fd, const sockaddr_storage& peer);
  void close_listener();
  void end_if_done();
  // A streamed answer: its head is queued; each piece the stream writes comes from a worker
  // thread, until it ends or the client goes.
  void start_stream(Reply& reply, fstage::serve::HttpStream stream);

  // connection.cpp
  static void on_readable(evutil_socket_t, short, void* arg);
  static void on_writable(evutil_socket_t, short, void* arg);
  // Idle too long, a request read too slowly, or an answer the client does not take.
  static void on_timer(evutil_socket_t, short, void* arg);
  void read_from(Conn& c);
  // The client shut its side (0) or the connection failed (`error`).
  void client_closed(Conn& c, bool error);
  // Parses what `data` holds of the next request; a complete one is taken.
  std::size_t feed(Conn& c, std::string_view data);
  // Takes the requests buffered in `c.in`, one at a time, while none is being answered.
  void process(Conn& c);
  void dispatch(Conn& c, WireRequest w);
  // Writes what `c.out` holds, as far as the socket takes it.
  void flush(Conn& c);
  // The current answer is written: the next request may come.
  void answered(Conn& c);
  void close_conn(Conn& c);
  void set_reading(Conn& c, bool on);
  void arm_timer(Conn& c);
  void queue(Conn& c, std::string data);

  const HttpServerOptions m_options;
  HttpHandler m_handler;
  HttpAsyncHandler m_async;
  std::shared_ptr<Mailbox> m_mailbox = std::make_shared<Mailbox>();
  event_base* m_base = nullptr;
  int m_listen_fd = -1;
  event* m_accepting = nullptr;
  event* m_accept_pause = nullptr;
  event* m_wake = nullptr;
  std::unordered_map<Conn*, std::shared_ptr<Conn>> m_conns;
  // The loop's: every request taken and not yet answered.
  std::unordered_map<Reply*, std::shared_ptr<Reply>> m_pending;
  int m_watches_set = 0;  // the loop's
  bool m_stopping = false;
  std::atomic<bool> m_stop_requested{false};
  Workers m_workers;  // last: its threads end before the rest goes
};

}  // namespace fstage::serve::httpd
