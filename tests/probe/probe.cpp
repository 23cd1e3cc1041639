// SPDX-License-Identifier: Apache-2.0
// fstage-probe: one subcommand per thing an isolation test wants to try from inside a
// sandbox. Results go to stdout as "name=value" lines or errno names ("EROFS"), so tests can
// assert on them without parsing prose. Exit 0 unless the subcommand says otherwise.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <arpa/inet.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

namespace {

const char* err_name(int e) {
  const char* n = strerrorname_np(e);
  return n != nullptr ? n : "E?";
}

int result(const char* what, int rc) {
  if (rc == 0) {
    std::printf("%s=ok\n", what);
  } else {
    std::printf("%s=%s\n", what, err_name(rc));
  }
  return 0;
}

std::string slurp(const char* path) {
  std::string out;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return out;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string status_field(const char* key) {
  std::string s = slurp("/proc/self/status");
  auto pos = s.find(std::string(key) + ":");
  if (pos == std::string::npos) {
    return "";
  }
  pos += std::strlen(key) + 1;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) {
    ++pos;
  }
  return s.substr(pos, s.find('\n', pos) - pos);
}

int cmd_write(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    int fd = ::open(argv[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int e = fd < 0 ? errno : 0;
    if (fd >= 0) {
      e = ::write(fd, "x", 1) == 1 ? 0 : errno;
      ::close(fd);
    }
    result(argv[i], e);
  }
  return 0;
}

int cmd_read(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    int fd = ::open(argv[i], O_RDONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    char c;
    if (fd >= 0) {
      e = ::read(fd, &c, 1) >= 0 ? 0 : errno;
      ::close(fd);
    }
    result(argv[i], e);
  }
  return 0;
}

int cmd_ls(const char* dir) {
  DIR* d = ::opendir(dir);
  if (d == nullptr) {
    return result(dir, errno);
  }
  std::string names;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      names += std::string(names.empty() ? "" : " ") + e->d_name;
    }
  }
  ::closedir(d);
  std::printf("%s\n", names.c_str());
  return 0;
}

// Writes 1 MiB blocks into PATH until it fails; reports how far it got.
int cmd_fill(const char* path, long max_mb) {
  int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return result("fill", errno);
  }
  std::vector<char> block(1 << 20, 'x');
  long mb = 0;
  int e = 0;
  for (; mb < max_mb; ++mb) {
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
      e = errno;
      break;
    }
  }
  ::close(fd);
  std::printf("fill=%s mb=%ld\n", e == 0 ? "ok" : err_name(e), mb);
  return 0;
}

int cmd_forkbomb() {
  long n = 0;
  int e = 0;
  for (; n < 100000; ++n) {
    pid_t p = ::fork();
    if (p == 0) {
      ::pause();
      ::_exit(0);
    }
    if (p < 0) {
      e = errno;
      break;
    }
  }
  std::printf("forkbomb=%s forked=%ld\n", e == 0 ? "unlimited" : err_name(e), n);
  std::fflush(stdout);
  return 0;
}

void touch_mb(long mb) {
  const std::size_t chunk = 1 << 20;
  for (long i = 0; i < mb; ++i) {
    auto* p = static_cast<char*>(std::malloc(chunk));
    if (p == nullptr) {
      std::printf("malloc failed after %ld MB\n", i);
      std::exit(3);
    }
    std::memset(p, 1, chunk);
  }
}

int cmd_memhog(long mb, int procs) {
  std::vector<pid_t> kids;
  for (int i = 1; i < procs; ++i) {
    pid_t p = ::fork();
    if (p == 0) {
      touch_mb(mb);
      ::pause();
      ::_exit(0);
    }
    kids.push_back(p);
  }
  touch_mb(mb);
  std::printf("memhog=done mb=%ld procs=%d\n", mb, procs);
  std::fflush(stdout);
  if (procs > 1) {
    ::sleep(2);  // hold the memory while the watchdog samples the tree
  }
  return 0;
}

int try_syscall(const char* name) {
  long rc = -1;
  errno = 0;
  std::string n = name;
  if (n == "mount") {
    rc = ::mount("tmpfs", "/tmp", "tmpfs", 0, nullptr);
  } else if (n == "unshare-user") {
    rc = ::unshare(CLONE_NEWUSER);
  } else if (n == "unshare-mount") {
    rc = ::unshare(CLONE_NEWNS);
  } else if (n == "clone-newuser") {
    rc = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (rc == 0) {
      ::_exit(0);
    }
  } else if (n == "clone3") {
    clone_args args{};
    args.exit_signal = SIGCHLD;
    rc = ::syscall(SYS_clone3, &args, sizeof(args));
    if (rc == 0) {
      ::_exit(0);
    }
  } else if (n == "keyctl") {
    rc = ::syscall(SYS_keyctl, 0, 0, 0, 0, 0);
  } else if (n == "bpf") {
    rc = ::syscall(SYS_bpf, 0, nullptr, 0);
  } else if (n == "ptrace") {
    rc = ::syscall(SYS_ptrace, 0xffff, 0, nullptr, nullptr);  // bad request: EIO if allowed
  } else if (n == "setgroups") {
    gid_t g = 0;
    rc = ::setgroups(1, &g);
  } else if (n == "pivot_root") {
    rc = ::syscall(SYS_pivot_root, "/", "/");
  } else if (n == "io_uring_setup") {
    rc = ::syscall(SYS_io_uring_setup, 0, nullptr);
  } else if (n == "setns") {
    rc = ::setns(-1, 0);
  } else if (n == "tiocsti") {
    char c = 'x';
    rc = ::ioctl(0, TIOCSTI, &c);
  } else {
    std::printf("unknown syscall %s\n", name);
    return 2;
  }
  return result(name, rc < 0 ? errno : 0);
}

int cmd_connect(const char* ip, int port) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip, &a.sin_addr);
  int rc = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  return result("connect", rc == 0 ? 0 : errno);
}

int cmd_daemon(const char* marker) {
  (void)marker;  // on the command line so tests can find leftovers in /proc
  pid_t p = ::fork();
  if (p == 0) {
    ::setsid();
    if (::fork() == 0) {
      for (int fd = 0; fd < 3; ++fd) {
        ::close(fd);
      }
      ::sleep(100);
      ::_exit(0);
    }
    ::_exit(0);
  }
  ::waitpid(p, nullptr, 0);
  std::printf("daemon=started\n");
  return 0;
}

int cmd_shm(long mb) {
  int fd = ::open("/dev/shm/fstage-probe", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return result("shm", errno);
  }
  std::size_t size = static_cast<std::size_t>(mb) << 20;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return result("shm", errno);
  }
  auto* p = static_cast<char*>(::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (p == MAP_FAILED) {
    return result("shm", errno);
  }
  std::fflush(stdout);
  for (std::size_t i = 0; i < size; i += 4096) {
    p[i] = 1;  // beyond the tmpfs size this raises SIGBUS
  }
  return result("shm", 0);
}

int cmd_threads(int n) {
  std::vector<std::thread> ts;
  int ran = 0;
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&ran] { __atomic_add_fetch(&ran, 1, __ATOMIC_SEQ_CST); });
  }
  for (auto& t : ts) {
    t.join();
  }
  std::printf("threads=%d\n", ran);
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: fstage-probe CMD [ARGS]\n"
               "  ids | caps | status KEY | write PATH... | read PATH... | ls DIR | cat PATH\n"
               "  fill PATH MB | forkbomb | memhog MB [PROCS] | spin | sleep S | exit N\n"
               "  syscall NAME | connect IP PORT | hostname | ipc | killall | pid | fds\n"
               "  daemon MARKER | shm MB | threads N | env | echo TEXT... | stderr TEXT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return usage();
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string cmd = argv[1];
  auto arg = [&](int i) -> const char* { return i < argc ? argv[i] : ""; };
  if (cmd == "ids") {
    gid_t groups[64];
    int ng = ::getgroups(64, groups);
    std::printf("uid=%d gid=%d euid=%d groups=%d setgroups=%s\n", ::getuid(), ::getgid(),
                ::geteuid(), ng, slurp("/proc/self/setgroups").c_str());
    return 0;
  }
  if (cmd == "caps" || cmd == "status") {
    std::printf("%s\n", status_field(cmd == "caps" ? "CapEff" : arg(2)).c_str());
    return 0;
  }
  if (cmd == "write") {
    return cmd_write(argc - 2, argv + 2);
  }
  if (cmd == "read") {
    return cmd_read(argc - 2, argv + 2);
  }
  if (cmd == "ls") {
    return cmd_ls(arg(2));
  }
  if (cmd == "cat") {
    std::fputs(slurp(arg(2)).c_str(), stdout);
    return 0;
  }
  if (cmd == "fill") {
    return cmd_fill(arg(2), std::atol(arg(3)));
  }
  if (cmd == "forkbomb") {
    return cmd_forkbomb();
  }
  if (cmd == "memhog") {
    return cmd_memhog(std::atol(arg(2)), argc > 3 ? std::atoi(arg(3)) : 1);
  }
  if (cmd == "spin") {
    volatile unsigned long spins = 0;
    for (;;) {
      spins = spins + 1;
    }
  }
  if (cmd == "sleep") {
    ::sleep(static_cast<unsigned>(std::atoi(arg(2))));
    return 0;
  }
  if (cmd == "exit") {
    return std::atoi(arg(2));
  }
  if (cmd == "syscall") {
    return try_syscall(arg(2));
  }
  if (cmd == "connect") {
    return cmd_connect(arg(2), std::atoi(arg(3)));
  }
  if (cmd == "hostname") {
    char h[256] = {};
    ::gethostname(h, sizeof(h) - 1);
    std::printf("%s\n", h);
    return 0;
  }
  if (cmd == "ipc") {
    std::fputs(slurp("/proc/sysvipc/msg").c_str(), stdout);
    return 0;
  }
  if (cmd == "killall") {
    int rc = ::kill(-1, SIGKILL);
    return result("killall", rc == 0 ? 0 : errno);
  }
  if (cmd == "pid") {
    std::printf("pid=%d ppid=%d sid=%d\n", ::getpid(), ::getppid(), ::getsid(0));
    return 0;
  }
  if (cmd == "fds") {
    return cmd_ls("/proc/self/fd");
  }
  if (cmd == "daemon") {
    return cmd_daemon(arg(2));
  }
  if (cmd == "shm") {
    return cmd_shm(std::atol(arg(2)));
  }
  if (cmd == "threads") {
    return cmd_threads(std::atoi(arg(2)));
  }
  if (cmd == "env") {
    for (char** e = environ; *e != nullptr; ++e) {
      std::printf("%s\n", *e);
    }
    return 0;
  }
  if (cmd == "echo" || cmd == "stderr") {
    std::string line;
    for (int i = 2; i < argc; ++i) {
      line += std::string(i > 2 ? " " : "") + argv[i];
    }
    std::fprintf(cmd == "echo" ? stdout : stderr, "%s\n", line.c_str());
    return 0;
  }
  return usage();
}
