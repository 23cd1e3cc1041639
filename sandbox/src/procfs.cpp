// SPDX-License-Identifier: Apache-2.0
// Process-tree facts from /proc, parent side: the RSS watchdog's samples, peak memory, and
// killing a tree that has no pid namespace around it.
#include "procfs.hpp"

#include <cerrno>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <string>
#include <unistd.h>

#include "cgroup_io.hpp"

namespace fstage::sandbox::detail {

namespace {

// Where the value of a "Key:\tvalue" line of a /proc/<pid>/status text starts, or npos. The
// key must start a line: "Pnd" also ends "ShdPnd".
std::size_t status_value(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string_view::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      break;
    }
    pos += key.size();
  }
  if (pos == std::string_view::npos) {
    return pos;
  }
  pos += key.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ':')) {
    ++pos;
  }
  return pos;
}

}  // namespace

std::uint64_t status_field_bytes(std::string_view text, std::string_view key) {
  std::size_t pos = status_value(text, key);
  std::uint64_t kb = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    kb = kb * 10 + static_cast<std::uint64_t>(text[pos] - '0');
  }
  return kb * 1024;
}

std::uint64_t status_field_hex(std::string_view text, std::string_view key) {
  std::uint64_t v = 0;
  for (std::size_t pos = status_value(text, key); pos < text.size(); ++pos) {
    char c = text[pos];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) {
      break;
    }
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

std::uint64_t handled_signals() {
  int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    ::close(fd);
    std::string_view text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    if (text.find("\nSigIgn:") != std::string_view::npos &&
        text.find("\nSigCgt:") != std::string_view::npos) {
      return status_field_hex(text, "SigIgn") | status_field_hex(text, "SigCgt");
    }
  }
  std::uint64_t mask = 0;
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig) {
    struct sigaction sa {};
    if (::sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler != SIG_DFL) {
      mask |= std::uint64_t{1} << (sig - 1);
    }
  }
  return mask;
}

namespace {

// pid → ppid for every process on the host.
std::multimap<pid_t, pid_t> children_map() {
  std::multimap<pid_t, pid_t> kids;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) {
    return kids;
  }
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') {
      continue;
    }
    pid_t pid = static_cast<pid_t>(std::stol(e->d_name));
    pid_t ppid = parse_stat_ppid(cg_read(std::string("/proc/") + e->d_name + "/stat"));
    if (ppid > 0) {
      kids.emplace(ppid, pid);
    }
  }
  ::closedir(d);
  return kids;
}

}  // namespace

pid_t parse_stat_ppid(std::string_view line) {
  auto close = line.rfind(')');
  if (close == std::string_view::npos || close + 4 >= line.size()) {
    return -1;
  }
  std::size_t p = close + 4;  // ") S " then the ppid
  pid_t ppid = 0;
  bool any = false;
  while (p < line.size() && line[p] >= '0' && line[p] <= '9') {
    ppid = ppid * 10 + (line[p] - '0');
    ++p;
    any = true;
  }
  return any ? ppid : -1;
}

std::vector<pid_t> descendants(pid_t root) {
  auto kids = children_map();
  std::vector<pid_t> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto [a, b] = kids.equal_range(p);
    for (auto it = a; it != b; ++it) {
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

std::uint64_t rss_bytes(pid_t pid) {
  std::string text = cg_read("/proc/" + std::to_string(pid) + "/statm");
  auto sp = text.find(' ');
  if (sp == std::string::npos) {
    return 0;
  }
  std::uint64_t pages = 0;
  for (std::size_t i = sp + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    pages = pages * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  static const long page = ::sysconf(_SC_PAGESIZE);
  return pages * static_cast<std::uint64_t>(page);
}

void kill_descendants(pid_t root) {
  for (int round = 0; round < 50; ++round) {
    auto pids = descendants(root);
    if (pids.empty()) {
      return;
    }
    for (pid_t p : pids) {
      ::kill(p, SIGKILL);
    }
    ::usleep(2000);
  }
}

}  // namespace fstage::sandbox::detail
