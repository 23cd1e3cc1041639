// SPDX-License-Identifier: Apache-2.0
// serve's HTTP server module (fstage-httpd.so) over real sockets: what a
// handler sees of a request, the asynchronous route answered from another thread, its
// deadline, streamed bodies, a body over the limit, keep-alive, stop() draining what was
// taken before listen() returns, and the loop's watches and posts (what a pool's instance
// lent to the loop waits with).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/serve/http_server.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace fstage::serve;
using namespace std::chrono_literals;

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      return;
    }
    off += static_cast<std::size_t>(n);
  }
}

// Everything the server sends until it closes the connection (or 5 s pass).
std::string read_to_close(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// One response with a Content-Length, read from a connection that stays open.
std::string read_response(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto cl = out.find("Content-Length: ");
      std::size_t length = cl == std::string::npos ? 0 : std::stoul(out.substr(cl + 16));
      if (out.size() >= end + 4 + length) {
        return out;
      }
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

std::string round_trip(int port, const std::string& request) {
  int fd = connect_to(port);
  REQUIRE(fd >= 0);
  send_all(fd, request);
  std::string r = read_to_close(fd);
  ::close(fd);
  return r;
}

std::string body_of(const std::string& response) {
  auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// A server on a free port, serving on a thread of its own until the fixture ends.
struct Running {
  std::unique_ptr<HttpServer> server;
  int port = -1;
  std::thread loop;

  Running(HttpServerOptions options, HttpHandler handler, HttpAsyncHandler async = nullptr) {
    ::setenv("FSTAGE_HTTPD", FSTAGE_HTTPD_MODULE, 1);
    auto made = make_http_server(options, std::move(handler), std::move(async));
    REQUIRE(made);
    server = std::move(*made);
    port = server->bind("127.0.0.1", 0);
    REQUIRE(port > 0);
    loop = std::thread([this] { server->listen(); });
  }
  ~Running() {
    server->stop();
    loop.join();
  }
};

}  // namespace

TEST_CASE("httpd hands the handler the request as sent", "[serve][httpd]") {
  HttpRequestData seen;
  Running r({}, [&](const HttpRequestData& d, HttpResponseData& res) {
    seen = d;
    res.status = 201;
    res.headers = {{"X-One", "1"}, {"Content-Length", "999"}, {"Connection", "keep-alive"}};
    res.body = "made";
  });
  std::string got = round_trip(
      r.port,
      "POST /a%20b/c?z=1&a=x%20y+z&flag&k=v=w&=skipped&z=2 HTTP/1.1\r\nHost: t\r\n"
      "X-Case: Kept\r\nX-Twice: 1\r\nX-Twice: 2\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
      "hello");
  CHECK(got.starts_with("HTTP/1.1 201 "));
  CHECK(got.find("X-One: 1\r\n") != std::string::npos);
  CHECK(got.find("Content-Length: 4\r\n") != std::string::npos);  // the server's, not 999
  CHECK(got.find("Content-Type: text/plain\r\n") != std::string::npos);
  CHECK(body_of(got) == "made");
  CHECK(seen.method == "POST");
  CHECK(seen.path == "/a b/c");
  using Q = std::vector<std::pair<std::string, std::string>>;
  CHECK(seen.query == Q{{"z", "1"}, {"a", "x y z"}, {"flag", ""}, {"k", "v=w"}, {"z", "2"}});
  CHECK(seen.body == "hello");
  CHECK_FALSE(seen.body_too_large);
  CHECK(seen.remote_addr == "127.0.0.1");
  CHECK(*find_header(seen, "x-case") == "Kept");
  int twice = 0;
  for (const auto& [k, v] : seen.headers) {
    twice += k == "X-Twice" ? 1 : 0;
  }
  CHECK(twice == 2);
}

TEST_CASE("httpd: a POST without a length has no body, and is answered at once", "[serve][httpd]") {
  Running r({}, [](const HttpRequestData& d, HttpResponseData& res) {
    res.body = "len=" + std::to_string(d.body.size());
  });
  auto t0 = std::chrono::steady_clock::now();
  std::string got = round_trip(r.port, "POST /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(body_of(got) == "len=0");
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}

TEST_CASE("httpd: a body over the limit reaches the handler marked, without its bytes",
          "[serve][httpd]") {
  HttpServerOptions o;
  o.max_body = 1000;
  Running r(o, [](const HttpRequestData& d, HttpResponseData& res) {
    res.status = d.body_too_large ? 413 : 200;
    res.body = std::to_string(d.body.size());
  });
  std::string big(2000, 'x');
  std::string got = round_trip(r.port,
                               "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n"
                               "Connection: close\r\n\r\n" +
                                   big);
  CHECK(got.starts_with("HTTP/1.1 413 "));
  CHECK(body_of(got) == "0");
  // Far beyond it, the Content-Length alone is refused, before any of the body is sent.
  got = round_trip(
      r.port, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 413 "));
}

TEST_CASE("httpd: the asynchronous route is answered from another thread, keep-alive kept",
          "[serve][httpd]") {
  std::vector<std::thread> answering;
  std::thread::id loop_thread;
  Running r(
      {}, [](const HttpRequestData&, HttpResponseData& res) { res.body = "sync"; },
      [&](HttpRequestData& d, const std::shared_ptr<HttpReply>& reply) {
        loop_thread = std::this_thread::get_id();
        if (d.path != "/fast") {
          return false;
        }
        answering.emplace_back([reply, body = d.body] {
          std::this_thread::sleep_for(20ms);
          HttpResponseData res;
          res.headers = {{"Content-Type", "application/json"}};
          res.body = "{\"echo\":\"" + body + "\"}";
          CHECK(reply->send(res));
          CHECK_FALSE(reply->send(res));  // only the first counts
        });
        return true;
      });
  int fd = connect_to(r.port);
  REQUIRE(fd >= 0);
  for (int i = 0; i < 3; ++i) {
    send_all(fd, "POST /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
    std::string got = read_response(fd);
    CHECK(got.starts_with("HTTP/1.1 200 "));
    CHECK(got.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(body_of(got) == "{\"echo\":\"hi\"}");
  }
  send_all(fd, "GET /other HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(body_of(read_response(fd)) == "sync");  // left to the synchronous handler
  ::close(fd);
  CHECK(loop_thread != std::this_thread::get_id());
  for (auto& t : answering) {
    t.join();
  }
}

TEST_CASE("httpd: a deadline answers when the reply does not come in time", "[serve][httpd]") {
  std::promise<std::shared_ptr<HttpReply>> taken;
  Running r(
      {}, [](const HttpRequestData&, HttpResponseData&) {},
      [&](HttpRequestData&, const std::shared_ptr<HttpReply>& reply) {
        reply->deadline(50ms, [reply] {
          HttpResponseData late;
          late.status = 504;
          late.body = "late";
          reply->send(late);
        });
        taken.set_value(reply);
        return true;
      });
  auto t0 = std::chrono::steady_clock::now();
  std::string got =
      round_trip(r.port, "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 504 "));
  CHECK(body_of(got) == "late");
  CHECK(std::chrono::steady_clock::now() - t0 >= 50ms);
  CHECK_FALSE(taken.get_future().get()->send(HttpResponseData{}));  // the answer was given
}

TEST_CASE("httpd streams a body in chunks until the stream ends", "[serve][httpd]") {
  Running r({}, [](const HttpRequestData&, HttpResponseData& res) {
    res.headers = {{"Content-Type", "text/event-stream"}};
    auto n = std::make_shared<int>(0);
    res.stream = [n](const HttpWrite& write) {
      write("data: " + std::to_string(++*n) + "\n\n");
      return *n < 3;
    };
  });
  std::string got =
      round_trip(r.port, "GET /events HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(got.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(got.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(body_of(got) == "9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n9\r\ndata: 3\n\n\r\n0\r\n\r\n");
}

TEST_CASE("httpd: stop() answers what was taken, then listen() returns", "[serve][httpd]") {
  ::setenv("FSTAGE_HTTPD", FSTAGE_HTTPD_MODULE, 1);
  std::promise<std::shared_ptr<HttpReply>> taken;
  auto made = make_http_server(
      {}, [](const HttpRequestData&, HttpResponseData&) {},
      [&](HttpRequestData&, const std::shared_ptr<HttpReply>& reply) {
        taken.set_value(reply);
        return true;
      });
  REQUIRE(made);
  auto& server = *made;
  int port = server->bind("127.0.0.1", 0);
  REQUIRE(port > 0);
  // The port is taken: a second server cannot bind it.
  auto other = make_http_server({}, [](const HttpRequestData&, HttpResponseData&) {});
  REQUIRE(other);
  CHECK((*other)->bind("127.0.0.1", port) == -1);

  std::atomic<bool> returned{false};
  std::thread loop([&] {
    server->listen();
    returned = true;
  });
  int fd = connect_to(port);
  REQUIRE(fd >= 0);
  send_all(fd, "GET /held HTTP/1.1\r\nHost: t\r\n\r\n");
  auto reply = taken.get_future().get();
  server->stop();
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(returned);          // a request taken is still to answer
  CHECK(connect_to(port) == -1);  // but nothing new connects
  HttpResponseData res;
  res.body = "drained";
  reply->send(res);
  std::string got = read_to_close(fd);  // the server closes after the answer
  ::close(fd);
  CHECK(body_of(got) == "drained");
  CHECK(got.find("Connection: close\r\n") != std::string::npos);
  loop.join();
  CHECK(returned);
  CHECK_FALSE(reply->send(res));
}

TEST_CASE("httpd answers pipelined requests in order, each after the one before",
          "[serve][httpd]") {
  std::vector<std::thread> answering;
  Running r(
      {}, [](const HttpRequestData& d, HttpResponseData& res) { res.body = "sync" + d.path; },
      [&](HttpRequestData& d, const std::shared_ptr<HttpReply>& reply) {
        if (d.path != "/slow") {
          return false;
        }
        answering.emplace_back([reply] {
          std::this_thread::sleep_for(30ms);  // the next request is in the buffer meanwhile
          HttpResponseData res;
          res.body = "slow";
          reply->send(res);
        });
        return true;
      });
  std::string got = round_trip(r.port,
                               "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"
                               "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx"
                               "HEAD /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  const auto slow = got.find("\r\n\r\nslow");
  const auto b = got.find("\r\n\r\nsync/b");
  REQUIRE(slow != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(slow < b);
  // HEAD: the length of the body it would have, and no body.
  CHECK(got.ends_with("Content-Length: 6\r\nConnection: close\r\n\r\n"));
  for (auto& t : answering) {
    t.join();
  }
}

TEST_CASE("httpd: 100 Continue, a client that shuts its side, HTTP/1.0, a bad request",
          "[serve][httpd]") {
  Running r({}, [](const HttpRequestData& d, HttpResponseData& res) {
    std::this_thread::sleep_for(20ms);
    res.body = "got " + d.body;
  });
  // Expect: 100-continue: the interim answer first, then the body, then the answer.
  int fd = connect_to(r.port);
  REQUIRE(fd >= 0);
  send_all(fd, "PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  char buf[64];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) ==
        "HTTP/1.1 100 Continue\r\n\r\n");
  send_all(fd, "ok");
  CHECK(body_of(read_response(fd)) == "got ok");
  // The client sends its request and shuts its side: the answer still comes, then the close.
  send_all(fd, "POST /y HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nbye");
  ::shutdown(fd, SHUT_WR);
  std::string got = read_to_close(fd);
  ::close(fd);
  CHECK(body_of(got) == "got bye");
  CHECK(got.find("Connection: close\r\n") != std::string::npos);
  // HTTP/1.0 closes after its answer unless it asks to keep the connection.
  got = round_trip(r.port, "GET /z HTTP/1.0\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(got) == "got ");
  // Not HTTP: 400 and the connection closed, the handler never called.
  got = round_trip(r.port, "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  got = round_trip(r.port, "TRACE / HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 501 Not Implemented\r\n"));
}

TEST_CASE("httpd closes a connection idle past the keep-alive timeout", "[serve][httpd]") {
  HttpServerOptions o;
  o.keep_alive_timeout_s = 1;
  Running r(o, [](const HttpRequestData&, HttpResponseData& res) { res.body = "x"; });
  int fd = connect_to(r.port);
  REQUIRE(fd >= 0);
  send_all(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(body_of(read_response(fd)) == "x");
  auto t0 = std::chrono::steady_clock::now();
  CHECK(read_to_close(fd).empty());  // closed by the server, not by recv's 5 s timeout
  CHECK(std::chrono::steady_clock::now() - t0 < 4s);
  ::close(fd);
}

TEST_CASE("httpd: a watch runs on the loop when its descriptor is ready, or when its time comes",
          "[serve][httpd][watch]") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::shared_ptr<LoopWatch> held;  // dropped in its own `ready`, as a pool drops it
  int readies = 0;
  Running* running = nullptr;
  Running r(
      {}, [](const HttpRequestData&, HttpResponseData&) {},
      [&](HttpRequestData& d, const std::shared_ptr<HttpReply>& reply) {
        HttpServer& server = *running->server;
        CHECK(server.on_loop());
        held = server.watch([&, reply, path = d.path](const std::vector<pollfd>& fired) {
          CHECK(running->server->on_loop());
          ++readies;
          HttpResponseData res;
          if (path == "/pipe") {
            // What a poll(2) would have said: the pipe, readable.
            REQUIRE(fired.size() == 1);
            CHECK(fired[0].fd == p[0]);
            CHECK(fired[0].revents == POLLIN);
            char buf[16] = {};
            const ssize_t n = ::read(p[0], buf, sizeof buf);
            res.body.assign(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
          } else {
            CHECK(fired.empty());  // its time came
            res.body = "time";
          }
          reply->send(res);
          held->clear();
          held.reset();
        });
        REQUIRE(held != nullptr);
        if (d.path == "/pipe") {
          held->set({pollfd{-1, POLLIN, 0}, pollfd{p[0], POLLIN, 0}},
                    std::chrono::steady_clock::time_point::max());
          held->set({pollfd{p[0], POLLIN, 0}},
                    std::chrono::steady_clock::time_point::max());  // the same again
        } else {
          held->set({}, std::chrono::steady_clock::now() + 40ms);
        }
        return true;
      });
  running = &r;
  CHECK_FALSE(r.server->on_loop());

  std::thread writer([&] {
    std::this_thread::sleep_for(30ms);
    CHECK(::write(p[1], "ping", 4) == 4);
  });
  std::string got =
      round_trip(r.port, "GET /pipe HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  writer.join();
  CHECK(body_of(got) == "ping");
  CHECK(readies == 1);

  const auto t0 = std::chrono::steady_clock::now();
  got = round_trip(r.port, "GET /timer HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(body_of(got) == "time");
  CHECK(std::chrono::steady_clock::now() - t0 >= 40ms);
  CHECK(readies == 2);
  ::close(p[0]);
  ::close(p[1]);
}

// Wakes a server's loop every few hundred microseconds, as a busy server's clients do.
struct Waker {
  std::atomic<bool> on{true};
  std::thread thread;
  explicit Waker(HttpServer& server)
      : thread([this, &server] {
          while (on) {
            server.post([] {});
            std::this_thread::sleep_for(300us);
          }
        }) {}
  ~Waker() {
    on = false;
    thread.join();
  }
};

// libevent reckons its timers on a coarse clock (4 ms a tick on many kernels) that lags the
// real time by up to a tick; a loop woken often would fire a timer up to a tick early unless
// the timer checks the time itself.
TEST_CASE("httpd: a watch's time never comes early on a busy loop", "[serve][httpd][watch]") {
  ::setenv("FSTAGE_HTTPD", FSTAGE_HTTPD_MODULE, 1);
  auto made = make_http_server(
      {}, [](const HttpRequestData&, HttpResponseData&) {}, nullptr);
  REQUIRE(made);
  std::shared_ptr<HttpServer> server = std::move(*made);
  REQUIRE(server->bind("127.0.0.1", 0) > 0);
  std::thread loop([&] { server->listen(); });
  int early = 0;
  {
    Waker waker(*server);
    std::shared_ptr<LoopWatch> w;
    std::chrono::steady_clock::time_point wake_at;
    for (int round = 0; round < 20; ++round) {
      std::promise<bool> in_time;
      CHECK(server->post([&] {
        w = server->watch([&](const std::vector<pollfd>&) {
          w->clear();
          in_time.set_value(std::chrono::steady_clock::now() >= wake_at);
        });
        wake_at = std::chrono::steady_clock::now() + 8ms + round * 250us;  // any phase of a tick
        w->set({}, wake_at);
      }));
      early += in_time.get_future().get() ? 0 : 1;
    }
    server->post([&] { w.reset(); });
  }
  CHECK(early == 0);
  server->stop();
  loop.join();
}

TEST_CASE("httpd: a reply's deadline never comes early on a busy loop", "[serve][httpd]") {
  std::chrono::steady_clock::time_point set_at;
  std::chrono::milliseconds after{8};
  Running r(
      {}, [](const HttpRequestData&, HttpResponseData&) {},
      [&](HttpRequestData&, const std::shared_ptr<HttpReply>& reply) {
        set_at = std::chrono::steady_clock::now();
        reply->deadline(after, [reply] {
          HttpResponseData late;
          late.status = 504;
          reply->send(late);
        });
        return true;
      });
  Waker waker(*r.server);
  int early = 0;
  for (int round = 0; round < 20; ++round) {
    after = std::chrono::milliseconds(8 + round % 5);  // any phase of a tick
    std::string got =
        round_trip(r.port, "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    CHECK(got.starts_with("HTTP/1.1 504 "));
    early += std::chrono::steady_clock::now() - set_at >= after ? 0 : 1;
  }
  CHECK(early == 0);
}

TEST_CASE("httpd: listen() waits for a set watch, and post() runs on the loop until it ends",
          "[serve][httpd][watch]") {
  ::setenv("FSTAGE_HTTPD", FSTAGE_HTTPD_MODULE, 1);
  std::shared_ptr<LoopWatch> held;
  HttpServer* srv = nullptr;
  auto made = make_http_server(
      {}, [](const HttpRequestData&, HttpResponseData&) {},
      [&](HttpRequestData&, const std::shared_ptr<HttpReply>& reply) {
        reply->send(HttpResponseData{});  // answered: only the watch holds listen()
        held = srv->watch([&](const std::vector<pollfd>&) {
          held->clear();
          held.reset();
        });
        held->set({}, std::chrono::steady_clock::now() + 300ms);
        return true;
      });
  REQUIRE(made);
  std::shared_ptr<HttpServer> server = std::move(*made);
  srv = server.get();
  int port = server->bind("127.0.0.1", 0);
  REQUIRE(port > 0);
  std::atomic<bool> returned{false};
  std::thread loop([&] {
    server->listen();
    returned = true;
  });
  std::promise<bool> on_loop;
  CHECK(server->post([&] { on_loop.set_value(srv->on_loop()); }));
  CHECK(on_loop.get_future().get());

  const auto t0 = std::chrono::steady_clock::now();
  std::string got = round_trip(port, "GET /w HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(got.starts_with("HTTP/1.1 200 "));
  server->stop();
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(returned);  // the watch is still set
  loop.join();
  CHECK(std::chrono::steady_clock::now() - t0 >= 300ms);
  CHECK(held == nullptr);

  // The loop has ended: post() says so, and what it was given is destroyed unrun.
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> weak = token;
  CHECK_FALSE(server->post([token] { *token = 1; }));
  token.reset();
  CHECK(weak.expired());
}
