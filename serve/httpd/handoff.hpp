// SPDX-License-Identifier: Apache-2.0
// The HTTP module's hand-overs between threads (httpd.cpp): Workers, the threads that run
// what may block, and Mailbox, which brings closures from any thread to the event loop.
#pragma once

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <sys/eventfd.h>

namespace fstage::serve::httpd {

// Threads for what may block: the synchronous handler and streamed bodies. They start as
// needed, up to `max`, and stay.
class Workers {
 public:
  explicit Workers(std::size_t max) : m_max(max > 0 ? max : 1) {}
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
      t.join();
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void run(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_tasks.push_back(std::move(task));
    // A task beyond the idle threads gets a thread of its own while there may be more: a
    // stream holds its thread for as long as the client listens.
    if (m_tasks.size() > m_idle && m_threads.size() < m_max) {
      m_threads.emplace_back([this] { work(); });
    } else {
      m_cv.notify_one();
    }
  }

 private:
  void work() {
    ::pthread_setname_np(::pthread_self(), "httpd-worker");
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      while (m_tasks.empty() && !m_stop) {
        ++m_idle;
        m_cv.wait(lock);
        --m_idle;
      }
      if (m_tasks.empty()) {
        return;
      }
      std::function<void()> task = std::move(m_tasks.front());
      m_tasks.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  const std::size_t m_max;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::function<void()>> m_tasks;
  std::vector<std::thread> m_threads;
  std::size_t m_idle = 0;
  bool m_stop = false;
};

// What other threads hand to the loop: closures run there, in order. It outlives the server
// (a pool may answer after the server is gone: the answer is dropped).
class Mailbox {
 public:
  Mailbox() : m_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~Mailbox() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  int fd() const { return m_fd; }
  // Any thread. False once closed (the closure is destroyed, unrun, as those close() finds).
  bool post(std::function<void()> fn) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (m_closed) {
        return false;
      }
      wake = m_posted.empty();  // else a wake-up is on its way and will find this one too
      m_posted.push_back(std::move(fn));
    }
    if (wake) {
      const std::uint64_t one = 1;
      while (::write(m_fd, &one, sizeof one) < 0 && errno == EINTR) {
      }
    }
    return true;
  }
  // The loop: everything posted so far.
  std::vector<std::function<void()>> take() {
    std::uint64_t count = 0;
    while (::read(m_fd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    std::vector<std::function<void()>> out;
    std::lock_guard<std::mutex> lock(m_mutex);
    out.swap(m_posted);
    return out;
  }
  // After the loop: nothing runs there any more, and no thread is the loop's.
  void close() {
    std::vector<std::function<void()>> dropped;  // destroyed outside the lock
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
    dropped.swap(m_posted);
    m_loop = std::thread::id();
  }
  void set_loop_thread() { m_loop = std::this_thread::get_id(); }
  bool on_loop() const { return std::this_thread::get_id() == m_loop.load(); }

 private:
  int m_fd;
  std::mutex m_mutex;
  std::vector<std::function<void()>> m_posted;
  bool m_closed = false;
  std::atomic<std::thread::id> m_loop{};
};

}  // namespace fstage::serve::httpd
