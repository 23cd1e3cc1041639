// SPDX-License-Identifier: Apache-2.0
// clone_parked (start_init.cpp): the sandbox's init shares the supervisor's memory and runs on
// the thread-local storage of a thread parked for it. No namespaces needed: the same mechanism
// with a plain CLONE_VM child.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <pthread.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "start_init.hpp"
#include <sys/mman.h>
#include <sys/wait.h>

using namespace fstage::sandbox::detail;

namespace {

// What the child and the test share (the child runs in this memory).
struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<int*> child_errno{nullptr};
  std::atomic<long> failures{0};
};

void pause_ms(long ms) {
  timespec t{0, ms * 1'000'000L};
  while (::nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

// The child: fails a system call over and over (each sets errno) until told to stop. Only
// async-signal-safe calls: it runs in this process's memory.
int failing_child(void* arg) {
  auto& s = *static_cast<Shared*>(arg);
  s.child_errno.store(&errno);
  while (!s.stop.load()) {
    ::close(-1);  // EBADF
    s.failures.fetch_add(1);
    pause_ms(1);
  }
  ::_exit(0);
}

int task_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d)) {
      n += e->d_name[0] != '.';
    }
    ::closedir(d);
  }
  return n;
}

// Waits up to 2 s for this process to have `want` threads.
bool tasks_become(int want) {
  for (int i = 0; i < 200; ++i) {
    if (task_count() == want) {
      return true;
    }
    pause_ms(10);
  }
  return false;
}

struct ChildStack {
  static constexpr std::size_t k_bytes = 64 << 10;
  void* base = ::mmap(nullptr, k_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  ~ChildStack() { ::munmap(base, k_bytes); }
  void* top() const { return static_cast<char*>(base) + k_bytes; }
};

// A thread like the parking one (same stack size, so glibc would hand it a parking thread's
// stack and TLS if one had been freed): sets errno, lets the child fail for a while, and
// reports whether its errno stayed put, and where it is.
struct Probe {
  int* where = nullptr;
  int seen = 0;
};

void* errno_probe(void* arg) {
  auto& p = *static_cast<Probe*>(arg);
  p.where = &errno;
  errno = 555;
  pause_ms(60);
  p.seen = errno;
  return nullptr;
}

}  // namespace

TEST_CASE("clone_parked: the child's failed system calls set no running thread's errno",
          "[sandbox][start_init]") {
  const int threads_before = task_count();
  ChildStack stack;
  REQUIRE(stack.base != MAP_FAILED);
  Shared shared;
  ParkedClone c;
  c.fn = failing_child;
  c.arg = &shared;
  c.stack_top = stack.top();
  const pid_t pid = clone_parked(c);
  REQUIRE(pid > 0);
  CHECK(c.result.load() == pid);
  // One thread more while the child lives: the parked one.
  CHECK(task_count() == threads_before + 1);

  // The caller's errno stays put while the child keeps failing.
  errno = 777;
  const long failed_before = shared.failures.load();
  pause_ms(100);
  const int seen = errno;
  CHECK(seen == 777);
  CHECK(shared.failures.load() > failed_before);
  REQUIRE(shared.child_errno.load() != nullptr);
  CHECK(shared.child_errno.load() != &errno);

  // So do threads made meanwhile, with the parking thread's stack size: none of them is
  // handed the TLS the child runs on (as one would be if the parked thread had returned).
  for (int i = 0; i < 4; ++i) {
    pthread_attr_t attr;
    ::pthread_attr_init(&attr);
    ::pthread_attr_setstacksize(&attr, k_parking_stack_bytes);
    Probe probe;
    pthread_t t;
    REQUIRE(::pthread_create(&t, &attr, errno_probe, &probe) == 0);
    ::pthread_join(t, nullptr);
    ::pthread_attr_destroy(&attr);
    CHECK(probe.seen == 555);
    CHECK(probe.where != shared.child_errno.load());
  }

  // The child is this process's: this thread reaps it, though the parked one cloned it.
  shared.stop.store(true);
  int status = -1;
  pid_t r;
  while ((r = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  CHECK(r == pid);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  // And the parked thread is gone once the child has exited.
  CHECK(tasks_become(threads_before));
}

TEST_CASE("clone_parked: a clone that fails returns its errno and leaves no thread behind",
          "[sandbox][start_init]") {
  const int threads_before = task_count();
  ChildStack stack;
  REQUIRE(stack.base != MAP_FAILED);
  Shared shared;
  ParkedClone c;
  c.fn = failing_child;
  c.arg = &shared;
  c.stack_top = stack.top();
  c.flags = CLONE_THREAD;  // without CLONE_SIGHAND: EINVAL
  errno = 0;
  CHECK(clone_parked(c) == -1);
  CHECK(errno == EINVAL);
  CHECK(c.result.load() == -EINVAL);
  CHECK(tasks_become(threads_before));
}
