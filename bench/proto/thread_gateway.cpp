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

#include "shim.hpp"
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
    std::string body;
    if (!proto::read_answer(fd, in, body)) {
      return;
    }
    j->done.set_value(std::move(body));
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
    std::thread(work, proto::start_shim()).detach();
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
    Job j{proto::invoke_frame(req.method, req.path, req.body, id), {}};
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
