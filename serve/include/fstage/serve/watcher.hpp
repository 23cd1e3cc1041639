// SPDX-License-Identifier: Apache-2.0
// --watch: inotify on the functions' code directories (recursively, new directories included)
// and on the manifest. Bursts of changes are coalesced for a few tens of milliseconds, so a
// save recycles once, well within 300 ms. Version-control, dependency and build-output
// directories (.git, node_modules, __pycache__, build, target) and editor temporaries are
// ignored.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>

namespace fstage::serve {

class Watcher {
 public:
  // `on_change(i)` runs (on the watcher's thread) when something under roots[i] changed;
  // `on_manifest()` when the file `manifest` was written or replaced.
  static Expected<std::unique_ptr<Watcher>> start(std::vector<std::filesystem::path> roots,
                                                  std::filesystem::path manifest,
                                                  std::function<void(std::size_t)> on_change,
                                                  std::function<void()> on_manifest);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  void stop();

  struct State;

 private:
  explicit Watcher(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
  std::thread m_thread;
};

// Whether a path component is never watched ("node_modules", ".git", "x.swp", ...).
bool ignored_name(std::string_view name);

}  // namespace fstage::serve
