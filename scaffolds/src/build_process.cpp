// SPDX-License-Identifier: Apache-2.0
// Running build commands: posix_spawn in a process group of their own (so a terminal's Ctrl-C
// reaches fstage only, and fstage decides), output to a log file, killed on interrupt.
#include <cerrno>
#include <ctime>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>
#include <sys/wait.h>

namespace fstage::scaffolds::detail {

namespace {

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  ::nanosleep(&ts, nullptr);  // a signal cuts it short, which is what we want
}

// Waits for `pid`; on interrupt, SIGTERM to its group, then SIGKILL after two seconds.
Expected<int> wait_child(pid_t pid) {
  bool killed = false;
  int waited_ms = 0;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (killed) {
        return fail(interrupted_error());
      }
      if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
      }
      return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    if (r < 0 && errno != EINTR) {
      return fail(Error::from_errno("waitpid", std::to_string(pid), errno));
    }
    if (interrupted() && !killed) {
      ::kill(-pid, SIGTERM);
      killed = true;
    }
    if (killed && (waited_ms += 20) > 2000) {
      ::kill(-pid, SIGKILL);
    }
    sleep_ms(20);
  }
}

}  // namespace

std::string find_program(std::string_view name, std::string_view path_env) {
  if (name.find('/') != std::string_view::npos) {
    return std::string(name);
  }
  for (const auto& dir : split(path_env, ':')) {
    fs::path p = fs::path(dir.empty() ? "." : dir) / name;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0) {
      return p.string();
    }
  }
  return {};
}

Expected<int> run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::map<std::string, std::string>& env, const fs::path& log) {
  auto path_it = env.find("PATH");
  std::string exe =
      find_program(argv.at(0), path_it != env.end() ? path_it->second : "/usr/bin:/bin");
  if (exe.empty()) {
    return fail(ErrorCode::not_found, "build tool " + quote(argv[0]) + " not found in PATH",
                "install it, or set `build:` in fstage.yaml to a command that works here");
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> cargv;
  std::vector<char*> cenv;
  for (const auto& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  for (auto& e : env_strings) {
    cenv.push_back(e.data());
  }
  cenv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, exe.c_str(), &fa, &attr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return fail(Error::from_errno("spawn", exe, rc));
  }
  return wait_child(pid);
}

std::vector<std::string> tail_lines(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line.size() > 300 ? line.substr(0, 300) + "..." : line);
    if (last.size() > lines) {
      last.pop_front();
    }
  }
  return {last.begin(), last.end()};
}

}  // namespace fstage::scaffolds::detail
