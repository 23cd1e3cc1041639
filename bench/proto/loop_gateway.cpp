// SPDX-License-Identifier: Apache-2.0
// bench/proto/loop_gateway.cpp: an experiment, not product code (bench/serve-arch builds and
// runs it). The least a gateway in front of fstage's Node.js shim can cost when one epoll loop
// owns every HTTP connection: no sandbox, no logs, no metrics, a minimal APIG event, a minimal
// HTTP/1.1 parser (Content-Length bodies only). It answers what issue 24's target needs from
// serve's architecture, measured on the machine at hand:
//   loop_gateway PORT INSTANCES loop DEPTH  the loop also drives the shims' sockets; DEPTH
//                                          requests may be in flight per shim (1: one at a
//                                          time, as the platform runs them; more: pipelined)
//   loop_gateway PORT INSTANCES workers     a blocking worker thread per shim (as serve's pool
//                                          has), results handed back to the loop by an eventfd
// The shim is started as fstage starts it (shim.hpp).
// Environment: BOOTSTRAP (the shim's bootstrap.js), CODE_ROOT (handler.js exporting `hello`).
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shim.hpp"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

namespace {

using Json = nlohmann::json;

struct Conn {
  int fd;
  std::string in;
  std::string out;
};
struct Job {
  int conn;
  std::string frame;
};
struct Shim {
  int fd = -1;
  std::string in;
  int inflight = 0;
  std::deque<int> waiting;  // connections, in the order their frames went
  bool ready = false;
};

enum Tag : std::uint64_t { k_conn = 0, k_shim = 1, k_listen = 2, k_done = 3 };

int g_epoll = -1;
int g_done_fd = -1;
std::vector<Conn*> g_conns(65536, nullptr);
std::vector<Shim> g_shims;
std::deque<Job> g_queue;
int g_depth = 1;
bool g_workers = false;
long g_seq = 0;
std::mutex g_jobs_mutex;
std::condition_variable g_jobs_cv;
std::deque<Job> g_jobs;  // workers mode: jobs for the workers
std::mutex g_done_mutex;
std::deque<std::pair<int, std::string>> g_done;  // workers mode: answers for the loop

std::uint64_t tagged(Tag t, std::uint64_t v) {
  return (static_cast<std::uint64_t>(t) << 32) | v;
}

void add(int fd, Tag t, std::uint64_t v) {
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.u64 = tagged(t, v);
  epoll_ctl(g_epoll, EPOLL_CTL_ADD, fd, &e);
}

void send_out(int conn, const std::string& response) {
  Conn* c = g_conns[static_cast<std::size_t>(conn)];
  if (c == nullptr) {
    return;
  }
  c->out += response;
  while (!c->out.empty()) {
    ssize_t n = send(c->fd, c->out.data(), c->out.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return;
    }
    c->out.erase(0, static_cast<std::size_t>(n));
  }
}

std::string response_of(const std::string& result) {
  Json r = Json::parse(result);
  const std::string body = r.value("body", "");
  return "HTTP/1.1 " + std::to_string(r.value("statusCode", 200)) +
         " OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void dispatch() {
  if (g_workers) {
    if (!g_queue.empty()) {
      std::lock_guard<std::mutex> l(g_jobs_mutex);
      for (auto& j : g_queue) {
        g_jobs.push_back(std::move(j));
      }
      g_queue.clear();
      g_jobs_cv.notify_all();
    }
    return;
  }
  for (auto& s : g_shims) {
    while (s.ready && s.inflight < g_depth && !g_queue.empty()) {
      Job j = std::move(g_queue.front());
      g_queue.pop_front();
      if (write(s.fd, j.frame.data(), j.frame.size()) < 0) {
        std::exit(1);
      }
      ++s.inflight;
      s.waiting.push_back(j.conn);
    }
  }
}

void on_request(int conn, const std::string& method, const std::string& path,
                const std::string& body) {
  g_queue.push_back({conn, proto::invoke_frame(method, path, body, ++g_seq)});
}

void read_conn(Conn* c) {
  char buf[16384];
  for (;;) {
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
      c->in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      close(c->fd);
      g_conns[static_cast<std::size_t>(c->fd)] = nullptr;
      delete c;
      return;
    }
    break;
  }
  for (;;) {
    auto end = c->in.find("\r\n\r\n");
    if (end == std::string::npos) {
      break;
    }
    const std::string head = c->in.substr(0, end);
    std::size_t len = 0;
    if (auto cl = head.find("Content-Length: "); cl != std::string::npos) {
      len = std::strtoul(head.c_str() + cl + 16, nullptr, 10);
    }
    if (c->in.size() < end + 4 + len) {
      break;
    }
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    on_request(c->fd, head.substr(0, sp1), head.substr(sp1 + 1, sp2 - sp1 - 1),
               c->in.substr(end + 4, len));
    c->in.erase(0, end + 4 + len);
  }
  dispatch();
}

void read_shim(Shim& s) {
  char buf[65536];
  ssize_t n;
  while ((n = read(s.fd, buf, sizeof buf)) > 0) {
    s.in.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buf) {
      break;
    }
  }
  std::string type;
  std::string body;
  while (proto::take_frame(s.in, type, body)) {
    if (type == "ready") {
      s.ready = true;
      continue;
    }
    const int conn = s.waiting.front();
    s.waiting.pop_front();
    --s.inflight;
    send_out(conn, response_of(body));
  }
  dispatch();
}

// Workers mode: one request at a time on a blocking socket, the answer handed to the loop.
void work(int fd) {
  std::string in;
  std::string body;
  for (;;) {
    Job j;
    {
      std::unique_lock<std::mutex> l(g_jobs_mutex);
      g_jobs_cv.wait(l, [] { return !g_jobs.empty(); });
      j = std::move(g_jobs.front());
      g_jobs.pop_front();
    }
    if (write(fd, j.frame.data(), j.frame.size()) < 0) {
      std::exit(1);
    }
    if (!proto::read_answer(fd, in, body)) {
      return;
    }
    bool wake;
    {
      std::lock_guard<std::mutex> l(g_done_mutex);
      wake = g_done.empty();
      g_done.emplace_back(j.conn, response_of(body));
    }
    if (wake) {
      const std::uint64_t one = 1;
      if (write(g_done_fd, &one, sizeof one) < 0) {
        std::exit(1);
      }
    }
  }
}

void start_shims(int count) {
  for (int k = 0; k < count; ++k) {
    Shim s;
    s.fd = proto::start_shim();
    g_shims.push_back(std::move(s));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::getenv("BOOTSTRAP") == nullptr || std::getenv("CODE_ROOT") == nullptr) {
    return 2;
  }
  const int port = std::atoi(argv[1]);
  g_workers = std::string(argv[3]) == "workers";
  g_depth = argc > 4 ? std::atoi(argv[4]) : 1;
  g_epoll = epoll_create1(EPOLL_CLOEXEC);
  g_done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  start_shims(std::atoi(argv[2]));
  if (g_workers) {
    for (auto& s : g_shims) {
      std::thread(work, s.fd).detach();
    }
    add(g_done_fd, k_done, 0);
  } else {
    for (std::size_t k = 0; k < g_shims.size(); ++k) {
      fcntl(g_shims[k].fd, F_SETFL, O_NONBLOCK);
      add(g_shims[k].fd, k_shim, k);
    }
  }
  const int one = 1;
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(ls, 512) != 0) {
    return 1;
  }
  add(ls, k_listen, 0);
  epoll_event events[256];
  for (;;) {
    const int n = epoll_wait(g_epoll, events, 256, -1);
    for (int x = 0; x < n; ++x) {
      const auto tag = static_cast<Tag>(events[x].data.u64 >> 32);
      const std::uint64_t v = events[x].data.u64 & 0xffffffffU;
      if (tag == k_listen) {
        int c;
        while ((c = accept4(ls, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          g_conns[static_cast<std::size_t>(c)] = new Conn{c, {}, {}};
          add(c, k_conn, static_cast<std::uint64_t>(c));
        }
      } else if (tag == k_shim) {
        read_shim(g_shims[v]);
      } else if (tag == k_done) {
        std::uint64_t count;
        if (read(g_done_fd, &count, sizeof count) < 0 && errno != EAGAIN) {
          return 1;
        }
        std::deque<std::pair<int, std::string>> answers;
        {
          std::lock_guard<std::mutex> l(g_done_mutex);
          answers.swap(g_done);
        }
        for (auto& [conn, response] : answers) {
          send_out(conn, response);
        }
      } else if (Conn* c = g_conns[v]) {
        read_conn(c);
      }
    }
  }
}
