// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <chrono>
#include <map>
#include <poll.h>
#include <set>
#include <string>
#include <system_error>
#include <unistd.h>

#include <fstage/serve/watcher.hpp>

#include <sys/eventfd.h>
#include <sys/inotify.h>

namespace fstage::serve {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t k_mask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                 IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;
constexpr std::uint32_t k_file_events =
    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB;
constexpr int k_quiet_ms = 30;  // coalesce a burst until it has been quiet this long
constexpr int k_max_wait_ms = 120;

}  // namespace

bool ignored_name(std::string_view n) {
  static const std::set<std::string_view> dirs = {".git",        ".hg",   ".svn",   "node_modules",
                                                  "__pycache__", "build", "target", ".fstage",
                                                  ".venv",       ".idea", ".vscode"};
  if (dirs.count(n) != 0) {
    return true;
  }
  return n.ends_with(".swp") || n.ends_with(".swx") || n.ends_with("~") || n.ends_with(".pyc") ||
         n.starts_with(".#") || n == "4913";  // vim's write probe
}

struct Watcher::State {
  int inotify = -1;
  int wake = -1;
  std::vector<fs::path> roots;
  fs::path manifest_dir;
  std::string manifest_name;
  int manifest_wd = -1;
  std::map<int, std::pair<std::size_t, fs::path>> dirs;  // wd -> (root, directory)
  std::function<void(std::size_t)> on_change;
  std::function<void()> on_manifest;

  ~State() {
    if (inotify >= 0) {
      ::close(inotify);
    }
    if (wake >= 0) {
      ::close(wake);
    }
  }

  void add_tree(std::size_t root, const fs::path& dir) {
    int wd = ::inotify_add_watch(inotify, dir.c_str(), k_mask);
    if (wd < 0) {
      return;
    }
    dirs[wd] = {root, dir};
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code ec2;
      if (it->is_directory(ec2) && !it->is_symlink(ec2) &&
          !ignored_name(it->path().filename().string())) {
        add_tree(root, it->path());
      }
    }
  }

  void loop() {
    std::set<std::size_t> changed;
    bool manifest_changed = false;
    auto first = std::chrono::steady_clock::time_point{};
    alignas(inotify_event) char buf[16384];
    while (true) {
      int timeout = -1;
      if (!changed.empty() || manifest_changed) {
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - first)
                          .count();
        timeout =
            static_cast<int>(std::max<long>(0, std::min<long>(k_quiet_ms, k_max_wait_ms - waited)));
      }
      pollfd fds[2] = {{inotify, POLLIN, 0}, {wake, POLLIN, 0}};
      int n = ::poll(fds, 2, timeout);
      if (n < 0 && errno != EINTR) {
        return;
      }
      if ((fds[1].revents & POLLIN) != 0) {
        return;
      }
      if (n == 0) {
        if (manifest_changed) {
          on_manifest();
        }
        for (std::size_t r : changed) {
          on_change(r);
        }
        changed.clear();
        manifest_changed = false;
        continue;
      }
      if ((fds[0].revents & POLLIN) == 0) {
        continue;
      }
      ssize_t len = ::read(inotify, buf, sizeof(buf));
      for (ssize_t off = 0; off < len;) {
        auto* ev = reinterpret_cast<inotify_event*>(buf + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        std::string name = ev->len > 0 ? std::string(ev->name) : std::string();
        if (changed.empty() && !manifest_changed) {
          first = std::chrono::steady_clock::now();
        }
        if (ev->wd == manifest_wd && name == manifest_name && (ev->mask & k_file_events) != 0) {
          manifest_changed = true;
        }
        auto it = dirs.find(ev->wd);
        if (it == dirs.end()) {
          continue;
        }
        if ((ev->mask & IN_IGNORED) != 0) {
          dirs.erase(it);
          continue;
        }
        if (name.empty() || ignored_name(name) ||
            (it->second.second == manifest_dir && name == manifest_name)) {
          continue;
        }
        if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0 && (ev->mask & IN_ISDIR) != 0) {
          add_tree(it->second.first, it->second.second / name);
        }
        if ((ev->mask & k_file_events) != 0) {
          changed.insert(it->second.first);
        }
      }
    }
  }
};

Expected<std::unique_ptr<Watcher>> Watcher::start(std::vector<fs::path> roots, fs::path manifest,
                                                  std::function<void(std::size_t)> on_change,
                                                  std::function<void()> on_manifest) {
  auto st = std::make_unique<State>();
  st->inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (st->inotify < 0) {
    return tl::unexpected(Error::from_errno("inotify_init1", "--watch", errno));
  }
  st->wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (st->wake < 0) {
    return tl::unexpected(Error::from_errno("eventfd", "--watch", errno));
  }
  st->roots = std::move(roots);
  st->on_change = std::move(on_change);
  st->on_manifest = std::move(on_manifest);
  for (std::size_t i = 0; i < st->roots.size(); ++i) {
    st->add_tree(i, st->roots[i]);
  }
  st->manifest_dir = manifest.parent_path();
  st->manifest_name = manifest.filename().string();
  st->manifest_wd = ::inotify_add_watch(st->inotify, st->manifest_dir.c_str(), k_mask);
  if (st->manifest_wd < 0) {
    return tl::unexpected(
        Error::from_errno("inotify_add_watch", st->manifest_dir.string(), errno)
            .with_hint("raise fs.inotify.max_user_watches, or serve without --watch"));
  }
  std::unique_ptr<Watcher> w(new Watcher(std::move(st)));
  State* s = w->m_state.get();
  w->m_thread = std::thread([s] { s->loop(); });
  return w;
}

Watcher::Watcher(std::unique_ptr<State> state) : m_state(std::move(state)) {}

Watcher::~Watcher() {
  stop();
}

void Watcher::stop() {
  if (m_thread.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(m_state->wake, &one, sizeof(one));
    m_thread.join();
  }
}

}  // namespace fstage::serve
