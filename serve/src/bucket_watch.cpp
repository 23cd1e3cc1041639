// SPDX-License-Identifier: Apache-2.0
// The local buckets' watcher: inotify on every directory under .fstage/buckets/B/. Each event
// is reported as it comes (no coalescing: an OBS trigger fires per object, at once).
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

#include "event_internal.hpp"
#include <sys/eventfd.h>
#include <sys/inotify.h>

namespace fstage::serve::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t k_mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                 IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR;

bool temporary(std::string_view name) {
  return name.starts_with(".fstage-tmp-");
}

}  // namespace

struct BucketWatcher::State {
  int inotify = -1;
  int wake = -1;
  OnChange on_change;
  // wd -> (bucket, the directory's key prefix: "" or "a/b/")
  std::map<int, std::pair<std::string, std::string>> dirs;
  fs::path buckets_dir;

  ~State() {
    if (inotify >= 0) {
      ::close(inotify);
    }
    if (wake >= 0) {
      ::close(wake);
    }
  }

  // Watches `dir` and its subdirectories. `announce`: a directory that appeared while serve
  // watched (mkdir -p a/b && cp x a/b/): the files already in it were written before its
  // watch existed, so they are reported now.
  void add_tree(const std::string& bucket, const std::string& prefix, const fs::path& dir,
                bool announce) {
    int wd = ::inotify_add_watch(inotify, dir.c_str(), k_mask);
    if (wd < 0) {
      return;
    }
    dirs[wd] = {bucket, prefix};
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code ec2;
      std::string name = it->path().filename().string();
      if (temporary(name) || it->is_symlink(ec2)) {
        continue;
      }
      if (it->is_directory(ec2)) {
        add_tree(bucket, prefix + name + "/", it->path(), announce);
      } else if (announce && it->is_regular_file(ec2)) {
        on_change(bucket, prefix + name, true);
      }
    }
  }

  void loop() {
    alignas(inotify_event) char buf[64 * 1024];
    pollfd fds[2] = {{inotify, POLLIN, 0}, {wake, POLLIN, 0}};
    while (true) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      ssize_t n = ::read(inotify, buf, sizeof(buf));
      if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
          continue;
        }
        return;
      }
      for (char* p = buf; p < buf + n;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + e->len;
        handle(*e);
      }
    }
  }

  void handle(const inotify_event& e) {
    if ((e.mask & IN_IGNORED) != 0) {
      dirs.erase(e.wd);
      return;
    }
    auto it = dirs.find(e.wd);
    if (it == dirs.end() || e.len == 0) {
      return;
    }
    const auto [bucket, prefix] = it->second;
    std::string name = e.name;
    if (temporary(name)) {
      return;
    }
    std::string key = prefix + name;
    if ((e.mask & IN_ISDIR) != 0) {
      if ((e.mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
        add_tree(bucket, key + "/", buckets_dir / bucket / key, true);
      }
      return;
    }
    if ((e.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) {
      on_change(bucket, key, true);
    } else if ((e.mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
      on_change(bucket, key, false);
    }
  }
};

Expected<std::unique_ptr<BucketWatcher>> BucketWatcher::start(
    const fs::path& buckets_dir, const std::vector<std::string>& buckets, OnChange on_change) {
  auto s = std::make_unique<State>();
  s->inotify = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  s->wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (s->inotify < 0 || s->wake < 0) {
    return fail(ErrorCode::io,
                std::string("cannot watch the local buckets: ") + std::strerror(errno),
                "raise fs.inotify.max_user_instances (sysctl)");
  }
  s->on_change = std::move(on_change);
  s->buckets_dir = buckets_dir;
  for (const auto& b : buckets) {
    std::error_code ec;
    fs::create_directories(buckets_dir / b, ec);
    if (ec) {
      return fail(ErrorCode::io, "cannot create the local bucket " + (buckets_dir / b).string() +
                                     ": " + ec.message());
    }
    s->add_tree(b, "", buckets_dir / b, false);
  }
  return std::unique_ptr<BucketWatcher>(new BucketWatcher(std::move(s)));
}

BucketWatcher::BucketWatcher(std::unique_ptr<State> s) : m(std::move(s)) {
  m_thread = std::thread([state = m.get()] { state->loop(); });
}

BucketWatcher::~BucketWatcher() {
  stop();
}

void BucketWatcher::stop() {
  if (m_thread.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(m->wake, &one, sizeof(one));
    m_thread.join();
  }
}

}  // namespace fstage::serve::detail
