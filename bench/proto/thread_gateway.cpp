// SPDX-License-Identifier: Apache-2.0
// bench/proto/thread_gateway.cpp: an experiment, not product code (bench/serve-arch builds and
// runs it). loop_gateway's "workers" mode with serve's HTTP model instead of a loop:
// cpp-httplib, a thread per connection, the handler waiting on a future for the worker's
// answer. The difference between the two is what the HTTP front alone costs.
//   thread_gateway PORT INSTANCES
// Environment: BOOTSTRAP (the shim's bootstrap.js), CODE_ROOT (handler.js exporting `hello`).
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>

namespace {

using Json = nlohmann::json;

struct Job {
  std::string frame;
  std::promise<std::string> done;
};

std::mutex g_mutex;
std::condition_variable g_cv;
std::deque<Job*> g_jobs;
std::mutex g_seq_mutex;
long g_seq = 0;

void work(int fd) {
  std::string in;
  for (;;) {
    Job* j;
    {
      std::unique_lock<std::mutex> l(g_mutex);
      g_cv.wait(l, [] { return !g_jobs.empty(); });
      j = g_jobs.front();
      g_jobs.pop_front();
    }
    if (write(fd, j->frame.data(), j->frame.size()) < 0) {
      std::exit(1);
    }
    for (;;) {
      auto nl = in.find('\n');
      if (nl != std::string::npos) {
        Json h = Json::parse(in.substr(0, nl));
        const std::size_t len = h.value("len", std::size_t{0});
        if (in.size() >= nl + 1 + len) {
          std::string body = in.substr(nl + 1, len);
          in.erase(0, nl + 1 + len);
          if (h.value("type", "") == "ready") {
            continue;
          }
          j->done.set_value(std::move(body));
          break;
        }
      }
      char buf[65536];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) {
        return;
      }
      in.append(buf, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* bootstrap = std::getenv("BOOTSTRAP");
  const char* root = std::getenv("CODE_ROOT");
  if (argc < 3 || bootstrap == nullptr || root == nullptr) {
    return 2;
  }
  for (int k = 0; k < std::atoi(argv[2]); ++k) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    if (fork() == 0) {
      dup2(sv[1], 3);
      setenv("RUNTIME_HANDLER", "handler.hello", 1);
      setenv("RUNTIME_CODE_ROOT", root, 1);
      execl("/usr/bin/node", "node", bootstrap, static_cast<char*>(nullptr));
      _exit(127);
    }
    close(sv[1]);
    std::thread(work, sv[0]).detach();
  }
  httplib::Server svr;
  svr.set_tcp_nodelay(true);  // as serve's module does: no delayed-ACK stall
  svr.new_task_queue = [] { return new httplib::ThreadPool(64); };
  svr.Post(".*", [](const httplib::Request& req, httplib::Response& res) {
    long id;
    {
      std::lock_guard<std::mutex> l(g_seq_mutex);
      id = ++g_seq;
    }
    Json event = {{"httpMethod", req.method},
                  {"path", req.path},
                  {"resource", req.path},
                  {"headers", Json::object()},
                  {"queryStringParameters", Json::object()},
                  {"body", req.body},
                  {"isBase64Encoded", false},
                  {"requestContext", {{"requestId", std::to_string(id)}, {"stage", "RELEASE"}}}};
    const std::string b = event.dump();
    Json h = {{"type", "invoke"},
              {"request_id", std::to_string(id)},
              {"deadline_ms", 0},
              {"headers", Json::object()},
              {"len", b.size()}};
    Job j{h.dump() + "\n" + b, {}};
    auto answer = j.done.get_future();
    {
      std::lock_guard<std::mutex> l(g_mutex);
      g_jobs.push_back(&j);
    }
    g_cv.notify_one();
    Json r = Json::parse(answer.get());
    res.status = r.value("statusCode", 200);
    res.set_content(r.value("body", ""), "text/plain");
  });
  return svr.listen("127.0.0.1", std::atoi(argv[1])) ? 0 : 1;
}
