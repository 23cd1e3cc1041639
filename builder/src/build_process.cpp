// SPDX-License-Identifier: Apache-2.0
// Running build commands: posix_spawn in a process group of their own (so a terminal's Ctrl-C
// reaches fstage only, and fstage decides), output to a log file (and, when asked, passed on
// as it arrives), killed on interrupt.
#include <algorithm>
#include <cerrno>
#include <ctime>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>
#include <sys/wait.h>

namespace fstage::builder::detail {

namespace {

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  ::nanosleep(&ts, nullptr);  // a signal cuts it short, which is what we want
}

enum class Pumped { nothing, data, end };

// Copies what the child wrote to `out_fd` since the last call into the log and to `echo`;
// waits up to `ms` for it.
Pumped pump(int out_fd, int log_fd, const std::function<void(std::string_view)>& echo, int ms) {
  pollfd p{out_fd, POLLIN, 0};
  if (::poll(&p, 1, ms) <= 0) {
    return Pumped::nothing;
  }
  char buf[8192];
  ssize_t n = ::read(out_fd, buf, sizeof buf);
  if (n < 0) {
    return errno == EINTR || errno == EAGAIN ? Pumped::nothing : Pumped::end;
  }
  if (n == 0) {
    return Pumped::end;
  }
  for (ssize_t off = 0; off < n;) {
    ssize_t w = ::write(log_fd, buf + off, static_cast<std::size_t>(n - off));
    if (w <= 0) {
      break;
    }
    off += w;
  }
  echo(std::string_view(buf, static_cast<std::size_t>(n)));
  return Pumped::data;
}

// Waits for `pid` (passing its output on when `out_fd` >= 0); on interrupt, SIGTERM to its
// group, then SIGKILL after two seconds.
Expected<int> wait_child(pid_t pid, int out_fd = -1, int log_fd = -1,
                         const std::function<void(std::string_view)>& echo = {}) {
  bool open = out_fd >= 0;
  bool killed = false;
  int waited_ms = 0;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      // What it wrote just before exiting (a background grandchild that keeps the pipe
      // open is not waited for).
      while (open && pump(out_fd, log_fd, echo, 0) == Pumped::data) {
      }
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
    if (open) {
      open = pump(out_fd, log_fd, echo, 20) != Pumped::end;
    } else {
      sleep_ms(20);
    }
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

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
                          const std::map<std::string, std::string>& env, const fs::path& log,
                          const std::function<void(std::string_view)>& echo) {
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
  Fd log_fd;
  Fd pipe_r;
  Fd pipe_w;
  if (echo) {
    int p[2];
    log_fd.fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd.fd < 0 || ::pipe2(p, O_CLOEXEC) != 0) {
      posix_spawn_file_actions_destroy(&fa);
      return fail(Error::from_errno("open", log.string(), errno));
    }
    pipe_r.fd = p[0];
    pipe_w.fd = p[1];
    posix_spawn_file_actions_adddup2(&fa, pipe_w.fd, 1);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
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
  if (!echo) {
    return wait_child(pid);
  }
  ::close(pipe_w.fd);
  pipe_w.fd = -1;
  return wait_child(pid, pipe_r.fd, log_fd.fd, echo);
}

Error step_failed(std::string_view step, std::string_view command, int status,
                  const fs::path& log) {
  Error e(ErrorCode::io, "build failed: the " + std::string(step) + " step (`" +
                             std::string(command) + "`) exited with status " +
                             std::to_string(status));
  e.details = tail_lines(log, 20);
  // Some tools (npm) end with their usage text: then the lines that say what went wrong come
  // first.
  auto is_error = [](const std::string& l) {
    return to_lower(l).find("error") != std::string::npos || l.find("ERR!") != std::string::npos;
  };
  if (std::none_of(e.details.begin(), e.details.end(), is_error)) {
    std::vector<std::string> errors;
    for (const auto& l : tail_lines(log, 2000)) {
      if (is_error(l) && errors.size() < 20) {
        errors.push_back(l);
      }
    }
    if (!errors.empty()) {
      e.details = std::move(errors);
    }
  }
  e.hint = "the full output is in " + log.string();
  return e;
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

}  // namespace fstage::builder::detail
